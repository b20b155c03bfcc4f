#!/usr/bin/env python3
"""Run commands on an Osmocom telnet VTY and print their output.

usage: vty.py [--expect-error] PORT 'command' ['command' ...]   (commands run in enable mode)

Exit status 0 when every command answered without an error; otherwise 1 with a message on
stderr: the VTY cannot be reached or closes, a command gets no prompt back, or a reply has a
line starting with '%' (the Osmocom VTY's error marker: "% Unknown command.", "% no call 9").
The commands stop at the first error. With --expect-error the LAST command must be refused
with a '%' reply (every earlier one must succeed): exit 0 only then, so a check that a bad
command is rejected fails when the VTY is down or accepts it."""
import re, socket, sys, time

TIMEOUT = 10	# seconds for the connection and for each prompt
PROMPT = re.compile(rb"(^|\n)[^\s#>]+[#>] ?$")	# the last line: 'NAME# ', 'NAME(config)# '


def fail(msg):
    sys.stderr.write("vty.py: %s\n" % msg)
    sys.exit(1)


class Vty:
    def __init__(self, port):
        self.port = port
        try:
            self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        except OSError as e:
            fail("cannot connect to the VTY on 127.0.0.1:%d: %s" % (port, e))
        self.buf = b""

    def read_prompt(self, what):
        """the text up to the next prompt ('NAME> ' or 'NAME# '); fails without one"""
        end = time.time() + TIMEOUT
        while time.time() < end:
            if PROMPT.search(self.buf.replace(b"\r", b"")):
                out, self.buf = self.buf, b""
                return out.decode(errors="replace")
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                break
            except OSError as e:
                fail("port %d: %s after %s" % (self.port, e, what))
            if not d:
                fail("port %d: the VTY closed the connection after %s" % (self.port, what))
            self.buf += d
        fail("port %d: no prompt within %d s after %s (got %r)"
             % (self.port, TIMEOUT, what, self.buf[-200:]))

    def run(self, cmd):
        """the reply to one command: its lines without the echo and the prompt"""
        try:
            self.s.sendall(cmd.encode() + b"\n")	# one line end: CR and LF would each run a line
        except OSError as e:
            fail("port %d: cannot send %r: %s" % (self.port, cmd, e))
        lines = self.read_prompt(repr(cmd)).replace("\r", "").split("\n")
        if lines and lines[0].strip() == cmd.strip():
            lines = lines[1:]
        if lines and PROMPT.search(lines[-1].encode()):
            lines = lines[:-1]
        return lines


def errors(lines):
    return [l for l in lines if l.lstrip().startswith("%")]


def main():
    args = sys.argv[1:]
    expect_error = False
    if args and args[0] == "--expect-error":
        expect_error, args = True, args[1:]
    if len(args) < 2 or not args[0].isdigit():
        fail("usage: vty.py [--expect-error] PORT 'command' ['command' ...]")
    v = Vty(int(args[0]))
    v.read_prompt("connecting")
    if errors(v.run("enable")):
        fail("port %s: 'enable' refused" % args[0])
    cmds = args[1:]
    for i, cmd in enumerate(cmds):
        lines = v.run(cmd)
        print("\n".join(lines))
        sys.stdout.flush()
        err = errors(lines)
        last = i == len(cmds) - 1
        if expect_error and last:
            if not err:
                fail("port %s: %r was accepted, a '%%' error was expected" % (args[0], cmd))
        elif err:
            fail("port %s: %r answered: %s" % (args[0], cmd, err[0].strip()))
    v.s.close()


main()
