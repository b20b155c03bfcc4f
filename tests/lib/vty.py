#!/usr/bin/env python3
"""Run commands on an Osmocom telnet VTY and print their output.
usage: vty.py PORT 'command' ['command' ...]   (commands run in enable mode)"""
import re, socket, sys, time

def main():
    port = int(sys.argv[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    buf = b""
    def read_prompt():
        nonlocal buf
        end = time.time() + 5
        while time.time() < end:
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            if not d:
                break
            buf += d
            tail = buf.rstrip()
            if tail.endswith(b">") or tail.endswith(b"#"):
                out, buf = buf, b""
                return out.decode(errors="replace")
        out, buf = buf, b""
        return out.decode(errors="replace")
    read_prompt()
    s.sendall(b"enable\r\n"); read_prompt()
    rc = 0
    for cmd in sys.argv[2:]:
        s.sendall(cmd.encode() + b"\r\n")
        out = read_prompt()
        lines = out.replace("\r", "").split("\n")
        # drop the echoed command and the trailing prompt
        if lines and lines[0].strip() == cmd.strip():
            lines = lines[1:]
        lines = [l for l in lines if not re.match(r"^\S+[#>] ?$", l)]
        text = "\n".join(lines)
        if "% " in text and ("Unknown command" in text or "invalid" in text.lower()):
            rc = 1
        print(text)
    s.close()
    sys.exit(rc)

main()
