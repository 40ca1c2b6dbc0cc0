#!/usr/bin/python3
"""A minimal plain SMTP server (no STARTTLS, no AUTH) for test-send.

Listens on 127.0.0.1 (free port written to --port-file).  On the first
connection it accepts one message, then closes the socket without a word
when the next MAIL FROM arrives: a connection that died while curl kept it
in its cache.  Later connections behave.  Each accepted message appends
"CONNECTION-NUMBER SIZE" to --log.  Exits when its standard input is
closed, so that it never outlives a test that crashed.
"""
import argparse
import os
import socket
import sys
import threading


def serve(conn, number, log):
    f = conn.makefile("rwb", buffering=0)

    def say(line):
        f.write(line.encode() + b"\r\n")

    say("220 flaky.test ESMTP")
    accepted = 0
    while True:
        line = f.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            say("250-flaky.test")
            say("250 8BITMIME")
        elif verb == b"MAIL":
            if number == 1 and accepted == 1:
                break  # drop the connection without an answer
            say("250 2.1.0 OK")
        elif verb == b"RCPT":
            say("250 2.1.5 OK")
        elif verb == b"DATA":
            say("354 go ahead")
            size = 0
            while True:
                chunk = f.readline()
                if not chunk or chunk == b".\r\n":
                    break
                size += len(chunk)
            accepted += 1
            with open(log, "a", encoding="ascii") as out:
                out.write("%d %d\n" % (number, size))
            say("250 2.0.0 stored")
        elif verb == b"QUIT":
            say("221 2.0.0 bye")
            break
        else:
            say("250 2.0.0 OK")
    conn.close()


def watch_stdin():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    with open(a.port_file + ".tmp", "w", encoding="ascii") as out:
        out.write("%d\n" % s.getsockname()[1])
    os.rename(a.port_file + ".tmp", a.port_file)
    threading.Thread(target=watch_stdin, daemon=True).start()
    number = 0
    while True:
        conn, _ = s.accept()
        number += 1
        threading.Thread(target=serve, args=(conn, number, a.log), daemon=True).start()


if __name__ == "__main__":
    main()
