#!/usr/bin/env python3
"""TCP relay between a gateway's M3UA ASP and OsmoSTP that can stop reading the gateway
(congestion tests): m3ua_hold.py LISTEN_PORT STP_PORT SOURCE_IP HOLD_FILE

Listens on 127.0.0.1:LISTEN_PORT with a small receive buffer, connects to 127.0.0.1:STP_PORT
from SOURCE_IP (the address the STP knows the ASP by) and copies both ways. While HOLD_FILE
exists the gateway's side is not read (its transmit queue fills, as with a slow STP); the STP's
side is always read and forwarded, so IAMs still reach the gateway."""
import os, select, socket, sys

lport, sport, src, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)	# inherited by the accepted socket
ls.bind(("127.0.0.1", lport))
ls.listen(1)
print("listening", flush=True)
while True:
    gw, _ = ls.accept()
    stp = socket.socket()
    stp.bind((src, 0))
    try:
        stp.connect(("127.0.0.1", sport))
    except OSError:
        gw.close(); stp.close(); continue
    print("connected", flush=True)
    out = {gw: stp, stp: gw}
    alive = True
    while alive:
        rd = [stp] if os.path.exists(hold) else [gw, stp]
        r, _, _ = select.select(rd, [], [], 0.05)
        for s in r:
            data = s.recv(65536)
            if not data:
                alive = False
                break
            out[s].sendall(data)
    gw.close(); stp.close()
    print("closed", flush=True)
