#!/usr/bin/python3
"""Small helpers for rig.sh: free ports, readiness probes, process control.

Only ever talks to 127.0.0.1.  Processes are found through /proc (no ps).

  rigutil.py ports N                    print N distinct free TCP ports
  rigutil.py wait-imap PORT [--tls CA] [--timeout S]
  rigutil.py wait-smtp PORT [--timeout S]
  rigutil.py ident PID                  print "PID STARTTIME" (fails if dead)
  rigutil.py descendants PID            print the PIDs below PID
  rigutil.py stop [--grace S] PIDFILE... stop the processes recorded in the
                                        files (and their descendants)
  rigutil.py alive PID [STARTTIME]      exit 0 if alive (zombies are dead)
"""
import argparse
import os
import signal
import socket
import ssl
import sys
import time

HOST = "127.0.0.1"


def free_ports(n):
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def read_line(sock, limit=4096):
    buf = b""
    while not buf.endswith(b"\n") and len(buf) < limit:
        chunk = sock.recv(1)
        if not chunk:
            break
        buf += chunk
    return buf


def probe(port, prefix, ca=None, timeout=2.0):
    sock = socket.create_connection((HOST, port), timeout=timeout)
    try:
        if ca is not None:
            ctx = ssl.create_default_context(cafile=ca)
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
        line = read_line(sock)
        return line.startswith(prefix), line
    finally:
        sock.close()


def wait_for(port, prefix, ca, timeout):
    deadline = time.monotonic() + timeout
    last = "no attempt"
    while time.monotonic() < deadline:
        try:
            ok, line = probe(port, prefix, ca)
            if ok:
                return 0
            last = "unexpected greeting %r" % line
        except (OSError, ssl.SSLError) as e:
            last = str(e)
        time.sleep(0.05)
    print("rigutil: port %d not ready after %gs: %s" % (port, timeout, last),
          file=sys.stderr)
    return 1


# --- processes -------------------------------------------------------------

def stat_fields(pid):
    """(state, ppid, starttime) of PID, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); starttime is field 22.
    return rest[0], int(rest[1]), rest[19]


def is_alive(pid, starttime=None):
    st = stat_fields(pid)
    if st is None or st[0] in ("Z", "X", "x"):
        return False
    return starttime is None or st[2] == starttime


def all_pids():
    for name in os.listdir("/proc"):
        if name.isdigit():
            yield int(name)


def descendants(root):
    children = {}
    for pid in all_pids():
        st = stat_fields(pid)
        if st is not None:
            children.setdefault(st[1], []).append((pid, st[2]))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c[0])
    return out


def send(pid, starttime, sig):
    if is_alive(pid, starttime):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stop(pidfiles, grace):
    tracked = []
    for path in pidfiles:
        try:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2:
                        tracked.append((int(parts[0]), parts[1]))
        except FileNotFoundError:
            pass
    tracked = [t for t in tracked if is_alive(*t)]
    if not tracked:
        return 0
    # Record the children before signalling: once a master is gone, its
    # children are re-parented and could not be told from strangers.
    victims = {}
    for pid, start in tracked:
        victims[pid] = start
        for c, cs in descendants(pid):
            victims[c] = cs
    # The masters first: they shut their children down themselves.
    for pid, start in tracked:
        send(pid, start, signal.SIGTERM)
    time.sleep(0.02)
    for pid, start in tracked:
        if is_alive(pid, start):
            for c, cs in descendants(pid):
                victims.setdefault(c, cs)

    def wait(seconds, group):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not any(is_alive(p, s) for p, s in group):
                return True
            time.sleep(0.02)
        return False

    # Dovecot's master takes about a second to shut down cleanly, but
    # leaves an imap process with an IDLE client (and the log and stats
    # processes serving it) behind: once the masters are gone, those
    # are told directly.
    wait(min(1.5, grace), tracked)
    if wait(0.02, victims.items()):
        return 0
    for pid, start in list(victims.items()):
        send(pid, start, signal.SIGTERM)
    if wait(max(grace - 1.5, 0.5), victims.items()):
        return 0
    for pid, start in victims.items():
        send(pid, start, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [p for p, s in victims.items() if is_alive(p, s)]
        if not left:
            return 0
        time.sleep(0.05)
    print("rigutil: still alive after SIGKILL: %s" % " ".join(map(str, left)),
          file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ports")
    p.add_argument("n", type=int)
    p = sub.add_parser("wait-imap")
    p.add_argument("port", type=int)
    p.add_argument("--tls", metavar="CA")
    p.add_argument("--timeout", type=float, default=20)
    p = sub.add_parser("wait-smtp")
    p.add_argument("port", type=int)
    p.add_argument("--tls", metavar="CA")
    p.add_argument("--timeout", type=float, default=20)
    p = sub.add_parser("ident")
    p.add_argument("pid", type=int)
    p = sub.add_parser("descendants")
    p.add_argument("pid", type=int)
    p = sub.add_parser("alive")
    p.add_argument("pid", type=int)
    p.add_argument("starttime", nargs="?")
    p = sub.add_parser("stop")
    p.add_argument("--grace", type=float, default=5)
    p.add_argument("pidfiles", nargs="+")
    a = ap.parse_args()

    if a.cmd == "ports":
        print(" ".join(map(str, free_ports(a.n))))
        return 0
    if a.cmd == "wait-imap":
        return wait_for(a.port, b"* OK", a.tls, a.timeout)
    if a.cmd == "wait-smtp":
        return wait_for(a.port, b"220", a.tls, a.timeout)
    if a.cmd == "ident":
        st = stat_fields(a.pid)
        if st is None or not is_alive(a.pid):
            return 1
        print(a.pid, st[2])
        return 0
    if a.cmd == "descendants":
        print(" ".join(str(p) for p, _ in descendants(a.pid)))
        return 0
    if a.cmd == "alive":
        return 0 if is_alive(a.pid, a.starttime) else 1
    if a.cmd == "stop":
        return stop(a.pidfiles, a.grace)
    return 2


if __name__ == "__main__":
    sys.exit(main())
