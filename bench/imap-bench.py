#!/usr/bin/python3
"""imap-bench.py: IMAP and process helpers for bench/run (127.0.0.1 only).

  imap-bench.py --rig DIR append FOLDER CORPUS_DIR
        APPEND every message of CORPUS_DIR/MANIFEST, in order, with its
        INTERNALDATE, on one connection (the rig's imap-tool.py does the
        APPEND itself); prints how many
  imap-bench.py --rig DIR copy FROM TO
        CREATE TO and UID COPY 1:* into it (server side; INTERNALDATEs kept)
  imap-bench.py --rig DIR fetch FOLDER [--batch N]
        the raw transfer baseline: UID FETCH BODY.PEEK[] in batches of N
        UIDs (default 50, guichet's batch), bytes discarded; prints
        "MESSAGES BYTES"
  imap-bench.py --rig DIR idle-latency FOLDER MAIL_DIR --sink SINK_DIR
                [--timeout S] [--guichet-pid PID]
        waits until guichet's session sits in IDLE, then APPENDs the
        messages of MAIL_DIR/MANIFEST one at a time, each after the
        previous one's reply reached the sink; prints JSON with the
        latencies (APPEND sent -> reply accepted by the sink), and when
        Dovecot pushed EXISTS to IDLE clients (seen by an observer
        session of our own, also in IDLE)
  imap-bench.py tree-cpu PID...
        CPU seconds (user+sys) used so far by the PIDs, their live
        descendants, and the children they reaped
  imap-bench.py watch-cpu PID EXE OUT
        until PID exits, samples (every 50 ms) the CPU split of the process
        of PID's tree running EXE: "user sys children-user children-sys"
        (children: the filters it ran and reaped), the last sample to OUT
  imap-bench.py stop-tree PID
        SIGTERM to PID and its descendants, SIGKILL after 10 s
  imap-bench.py wait-gone PID [--timeout S]
        waits until PID has exited (zombies count as gone)
"""
import argparse
import contextlib
import datetime
import importlib.util
import io
import json
import os
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def load_imap_tool(rig_home):
    path = os.path.join(rig_home, "imap-tool.py")
    spec = importlib.util.spec_from_file_location("rig_imap_tool", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def conn_args(a):
    return argparse.Namespace(rig=a.rig, user=None, password=None, ca=None, port=None,
                              tls=False, starttls=False)


def manifest(directory):
    out = []
    with open(os.path.join(directory, "MANIFEST"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, when = line.rstrip("\n").split("\t")
            out.append((os.path.join(directory, name), when))
    return out


# --- /proc --------------------------------------------------------------------

def stat(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] = field 3 (state), rest[1] = ppid, utime = field 14 -> rest[11]
    return {"state": rest[0], "ppid": int(rest[1]),
            "cpu": sum(int(x) for x in rest[11:15]) / TICK}


def tree(pids):
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = stat(int(name))
            if st:
                children.setdefault(st["ppid"], []).append(int(name))
    seen, todo = [], list(pids)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(children.get(p, []))
    return seen


def stat_cpu(pid):
    """(user, sys, children user, children sys) of PID in seconds."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    return tuple(int(x) / TICK for x in rest[11:15])


def watch_cpu(pid, exe, out):
    """Until PID is gone: the last CPU split seen of the first process of
    PID's tree running EXE (guichet itself, not its forked filters), so
    that the report can tell guichet's own CPU from its children's."""
    exe = os.path.realpath(exe)
    last = None
    while alive(pid):
        for p in tree([pid]):
            try:
                if os.readlink("/proc/%d/exe" % p) != exe:
                    continue
                parent = stat(p)["ppid"]
                if os.readlink("/proc/%d/exe" % parent) == exe:
                    continue  # a filter between fork and exec
            except (OSError, TypeError):
                continue
            cpu = stat_cpu(p)
            if cpu:
                last = cpu
            break
        time.sleep(0.05)
    with open(out, "w") as f:
        if last:
            f.write("%.2f %.2f %.2f %.2f\n" % last)


def stop_tree(pid):
    """SIGTERM to PID and its descendants (recorded first), SIGKILL to
    whatever is left after 10 s."""
    import signal
    victims = [(p, (stat(p) or {}).get("ppid")) for p in tree([pid])]
    for p, _ in victims:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while any(alive(p) for p, _ in victims) and time.monotonic() < deadline:
        time.sleep(0.05)
    for p, _ in victims:
        if alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return 0


def tree_cpu(pids):
    total = 0.0
    for p in tree(pids):
        st = stat(p)
        if st:
            total += st["cpu"]
    return total


def alive(pid):
    st = stat(pid)
    return st is not None and st["state"] not in ("Z", "X", "x")


def idle_sessions(rig_pids):
    """How many Dovecot imap processes of the rig show IDLE in their title
    (the rig sets verbose_proctitle = yes)."""
    n = 0
    for p in tree(rig_pids):
        try:
            with open("/proc/%d/cmdline" % p, "rb") as f:
                title = f.read().replace(b"\0", b" ")
        except OSError:
            continue
        if b"IDLE" in title:
            n += 1
    return n


class Observer(threading.Thread):
    """A second client sitting in IDLE on the folder: the time of each
    untagged EXISTS is when Dovecot told IDLE clients about a message."""

    def __init__(self, env, folder, tool):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", int(env["IMAP_PORT"])), timeout=60)
        self.f = self.sock.makefile("rb")
        self.f.readline()
        for cmd in (b"a LOGIN %s %s" % (tool.quote(env["IMAP_USER"]).encode(),
                                        tool.quote(env["IMAP_PASSWORD"]).encode()),
                    b"b EXAMINE %s" % tool.quote(folder).encode()):
            self.sock.sendall(cmd + b"\r\n")
            tag = cmd.split()[0]
            while True:
                line = self.f.readline()
                if not line:
                    raise SystemExit("imap-bench: observer connection closed")
                if line.startswith(tag + b" "):
                    if not line.startswith(tag + b" OK"):
                        raise SystemExit("imap-bench: observer: %r" % line)
                    break
        self.sock.settimeout(None)
        self.sock.sendall(b"c IDLE\r\n")
        self.exists = []
        self.lock = threading.Lock()

    def run(self):
        try:
            for line in self.f:
                if line.endswith(b" EXISTS\r\n"):
                    with self.lock:
                        self.exists.append(time.time())
        except OSError:
            pass

    def first_after(self, t0):
        with self.lock:
            return next((t for t in self.exists if t >= t0), None)

    def close(self):
        try:
            self.sock.sendall(b"DONE\r\nd LOGOUT\r\n")
            self.sock.close()
        except OSError:
            pass


def append_one(tool, m, folder, path, when):
    # imap-tool's do_append prints the new UID of a single file: not wanted.
    with contextlib.redirect_stdout(io.StringIO()):
        return tool.do_append(m, folder, [path], when, None)


# --- commands -------------------------------------------------------------------

def cmd_append(a, tool):
    m = tool.connect(conn_args(a))
    n = 0
    try:
        for path, when in manifest(a.corpus):
            n += append_one(tool, m, a.folder, path, when)
    finally:
        m.logout()
    print(n)


def cmd_copy(a, tool):
    m = tool.connect(conn_args(a))
    try:
        typ, data = m.create(tool.quote(a.to))
        tool.select(m, a.source, readonly=False)
        tool.check(*m.uid("COPY", "1:*", tool.quote(a.to)), "UID COPY")
    finally:
        m.logout()


def cmd_fetch(a, tool):
    m = tool.connect(conn_args(a))
    count = size = 0
    try:
        tool.select(m, a.folder, readonly=True)
        typ, data = m.uid("SEARCH", None, "ALL")
        tool.check(typ, data, "UID SEARCH")
        uids = data[0].split()
        for i in range(0, len(uids), a.batch):
            batch = b",".join(uids[i:i + a.batch]).decode()
            typ, data = m.uid("FETCH", batch, "(BODY.PEEK[])")
            tool.check(typ, data, "UID FETCH")
            for item in data:
                if isinstance(item, tuple):
                    count += 1
                    size += len(item[1])
            del data
    finally:
        m.logout()
    print(count, size)


def cmd_idle_latency(a, tool):
    env = tool.read_env(a.rig)
    rig_pids = [int(p) for p in env.get("DOVECOT_PID", "").split() if p]
    observer = Observer(env, a.folder, tool)
    observer.start()

    def wait_idle(n, what):
        deadline = time.monotonic() + a.timeout
        while idle_sessions(rig_pids) < n:
            if a.guichet_pid and not alive(a.guichet_pid):
                sys.exit("imap-bench: guichet run exited (%s)" % what)
            if time.monotonic() > deadline:
                sys.exit("imap-bench: guichet not in IDLE after %ss (%s)" % (a.timeout, what))
            time.sleep(0.01)

    wait_idle(1, "the observer")
    m = tool.connect(conn_args(a))
    lat, seen, notify = [], [], []
    try:
        for path, when in manifest(a.mail):
            before = set(n for n in os.listdir(a.sink) if n.endswith(".eml"))
            # The observer and guichet: both back in IDLE.
            wait_idle(2, "before %s" % os.path.basename(path))
            t0 = time.time()
            append_one(tool, m, a.folder, path, when)
            deadline = time.monotonic() + a.timeout
            new = set()
            while not new:
                if time.monotonic() > deadline:
                    sys.exit("imap-bench: no reply for %s after %ss" % (path, a.timeout))
                if a.guichet_pid and not alive(a.guichet_pid):
                    sys.exit("imap-bench: guichet run exited")
                time.sleep(0.005)
                new = set(n for n in os.listdir(a.sink) if n.endswith(".eml")) - before
            t_seen = time.time()
            with open(os.path.join(a.sink, sorted(new)[0][:-4] + ".json"), encoding="utf-8") as f:
                meta = json.load(f)
            t1 = datetime.datetime.fromisoformat(meta["received"]).timestamp()
            lat.append(t1 - t0)
            seen.append(t_seen - t0)
            te = observer.first_after(t0)
            notify.append(te - t0 if te is not None else None)
    finally:
        m.logout()
        observer.close()

    def summary(xs):
        xs = sorted(x for x in xs if x is not None)
        if not xs:
            return None
        p95 = xs[min(len(xs) - 1, max(0, int(round(0.95 * len(xs))) - 1))]
        return {"median": statistics.median(xs), "p95": p95, "min": xs[0], "max": xs[-1]}

    out = {"n": len(lat), **summary(lat), "notify": summary(notify),
           "after_notify": summary([l - n for l, n in zip(lat, notify) if n is not None]),
           "latencies": [round(x, 4) for x in lat],
           "exists_pushed": [None if x is None else round(x, 4) for x in notify],
           "seen_by_poller": [round(x, 4) for x in seen]}
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rig", metavar="DIR")
    ap.add_argument("--rig-home", default=os.path.join(HERE, "..", "tests", "rig"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("append")
    p.add_argument("folder")
    p.add_argument("corpus")
    p = sub.add_parser("copy")
    p.add_argument("source")
    p.add_argument("to")
    p = sub.add_parser("fetch")
    p.add_argument("folder")
    p.add_argument("--batch", type=int, default=50)
    p = sub.add_parser("idle-latency")
    p.add_argument("folder")
    p.add_argument("mail")
    p.add_argument("--sink", required=True)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--guichet-pid", type=int)
    p = sub.add_parser("tree-cpu")
    p.add_argument("pids", type=int, nargs="+")
    p = sub.add_parser("watch-cpu")
    p.add_argument("pid", type=int)
    p.add_argument("exe")
    p.add_argument("out")
    p = sub.add_parser("stop-tree")
    p.add_argument("pid", type=int)
    p = sub.add_parser("wait-gone")
    p.add_argument("pid", type=int)
    p.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()

    if a.cmd == "tree-cpu":
        print("%.2f" % tree_cpu(a.pids))
        return 0
    if a.cmd == "watch-cpu":
        watch_cpu(a.pid, a.exe, a.out)
        return 0
    if a.cmd == "stop-tree":
        return stop_tree(a.pid)
    if a.cmd == "wait-gone":
        deadline = time.monotonic() + a.timeout
        while alive(a.pid):
            if time.monotonic() > deadline:
                return 1
            time.sleep(0.02)
        return 0
    if not a.rig:
        ap.error("--rig DIR is needed for %s" % a.cmd)
    tool = load_imap_tool(a.rig_home)
    {"append": cmd_append, "copy": cmd_copy, "fetch": cmd_fetch,
     "idle-latency": cmd_idle_latency}[a.cmd](a, tool)
    return 0


if __name__ == "__main__":
    sys.exit(main())
