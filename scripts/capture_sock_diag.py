#!/usr/bin/env python3
# Seed maker for fuzz/corpus/sock_diag_fuzz: run as root inside a namespace with some
# listeners (e.g. `ip netns exec NS scripts/capture_sock_diag.py fuzz/corpus/sock_diag_fuzz`).
# Each file is one protocol byte (0 tcp, 1 udp: what the fuzz target reads first) followed
# by one buffer exactly as recv() returned it from a real kernel dump.
import socket, struct, sys, os
out = sys.argv[1]
NETLINK_SOCK_DIAG = 4; SOCK_DIAG_BY_FAMILY = 20
for fam, famname in ((socket.AF_INET, "v4"), (socket.AF_INET6, "v6")):
    for proto, pname, states in ((6, "tcp", 1 << 10), (17, "udp", (1 << 7) | (1 << 1))):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
        req = struct.pack("=BBBBI", fam, proto, 0, 0, states) + b"\0" * 48  # inet_diag_sockid
        hdr = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, 0x301, 1, 0)
        s.send(hdr + req)
        n = 0
        while True:
            data = s.recv(65536)
            flag = b"\x01" if pname == "udp" else b"\x00"  # the target's protocol byte
            with open(os.path.join(out, f"captured_{famname}_{pname}_{n}"), "wb") as f:
                f.write(flag + data)
            n += 1
            t = struct.unpack_from("=H", data, 4)[0]
            if t in (2, 3) or len(data) == 0:
                break
            # the last message of the buffer decides
            off = 0; last = None
            while off < len(data):
                l, tt = struct.unpack_from("=IH", data, off); last = tt; off += (l + 3) & ~3
            if last in (2, 3): break
