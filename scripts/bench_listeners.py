#!/usr/bin/env python3
"""Hold many listening sockets open for scripts/bench_scan.sh.

    bench_listeners.py FIRST_PORT COUNT [--mix]

Binds COUNT consecutive ports starting at FIRST_PORT and keeps them open until killed.
Without --mix every socket is a TCP listener on 0.0.0.0. With --mix the protocol rotates
by port (port % 10): 0 is UDP on 0.0.0.0, 1 is TCP on [::] (IPV6_V6ONLY; TCP on 0.0.0.0 if
the namespace has no IPv6), everything else TCP on 0.0.0.0 -- still one socket per port.
Raises RLIMIT_NOFILE as far as needed (the hard limit too, if allowed: CAP_SYS_RESOURCE),
prints "ready PID" on stdout once every socket is bound, then sleeps until killed
(SIGTERM or SIGINT).
"""
import os
import resource
import signal
import socket
import sys


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:  # needs CAP_SYS_RESOURCE, which root in a container may lack
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return
        except (ValueError, OSError):
            sys.exit(f"bench_listeners.py: needs {needed} open files, but the hard"
                     f" RLIMIT_NOFILE is {hard} and cannot be raised")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def tcp6_listener(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("::", port))
        s.listen(8)
    except OSError:
        s.close()
        raise
    return s


def open_socket(port, mix):
    kind = port % 10 if mix else 2
    if kind == 0:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        return s
    if kind == 1:
        try:
            return tcp6_listener(port)
        except OSError:  # no IPv6 in this namespace: keep the count with IPv4
            pass
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    return s


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] != "--mix"):
        sys.exit(f"usage: {argv[0]} FIRST_PORT COUNT [--mix]")
    first, count = int(argv[1]), int(argv[2])
    mix = len(argv) == 4
    if count < 0 or first < 1 or first + count - 1 > 65535:
        sys.exit(f"{argv[0]}: ports {first}..{first + count - 1} are out of range")
    raise_nofile(count + 64)
    sockets = [open_socket(port, mix) for port in range(first, first + count)]
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: just go, no traceback
    print(f"ready {os.getpid()}", flush=True)
    while sockets:  # the list stays referenced, so every socket stays open until killed
        signal.pause()


if __name__ == "__main__":
    main(sys.argv)
