#!/usr/bin/python3
"""SMTP sink for tests: stores every accepted message as a file.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd).  Listens on
127.0.0.1 only.  For each message accepted it writes, in --dir:

  NNNNNN.json   {"mail_from", "rcpt_tos", "mail_options", "rcpt_options",
                 "helo", "peer", "tls", "auth_user", "size", "received"}
  NNNNNN.eml    the raw content as received (CRLF, dot-unstuffed)

The .json file is written first and the .eml appears last, atomically
(rename): a test may wait for the .eml and then read both.

Answers can be forced with control files in --dir (first line = the reply,
e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"):

  .reply-mail   answered to MAIL FROM
  .reply        answered to every RCPT TO
  .reply-data   answered at the end of DATA (the message is not stored)
  NAME-once     the same, but the file is removed after it was used once
                (e.g. ".reply-once": the first RCPT fails, then all pass)

A one-line summary of each command and answer goes to --log.
With --port 0 a free port is chosen; the port is written to --port-file
once the socket listens.  Exit status 75 if the port is taken.
"""
import argparse
import asyncio
import datetime
import errno
import json
import os
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOST = "127.0.0.1"
REPLY_RE = re.compile(r"^[2-5][0-9][0-9]( .*)?$")


class Sink:
    def __init__(self, directory, log, user, password):
        self.dir = directory
        self.logf = log
        self.user = user
        self.password = password
        self.seq = 0
        for name in os.listdir(directory):
            m = re.match(r"^(\d+)\.(eml|json)$", name)
            if m:
                self.seq = max(self.seq, int(m.group(1)))

    def log(self, session, text):
        peer = session.peer[1] if session and session.peer else "-"
        now = datetime.datetime.now().isoformat(timespec="milliseconds")
        self.logf.write("%s %s %s\n" % (now, peer, text))
        self.logf.flush()

    def forced(self, what):
        """The forced reply for a stage, if a control file asks for one."""
        for name, once in ((what + "-once", True), (what, False)):
            path = os.path.join(self.dir, name)
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    line = f.readline().strip()
            except FileNotFoundError:
                continue
            if once:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
            if not REPLY_RE.match(line):
                return "451 4.3.0 bad reply in control file %s" % name
            return line
        return None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.log(session, "EHLO %s" % hostname)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        reply = self.forced(".reply-mail")
        if reply is None:
            envelope.mail_from = address
            envelope.mail_options.extend(options)
            reply = "250 2.1.0 OK"
        self.log(session, "MAIL FROM:<%s> %s -> %s"
                 % (address, " ".join(options), reply))
        return reply

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.forced(".reply")
        if reply is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(options)
            reply = "250 2.1.5 OK"
        self.log(session, "RCPT TO:<%s> -> %s" % (address, reply))
        return reply

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or b""
        reply = self.forced(".reply-data")
        if reply is not None:
            self.log(session, "DATA %d bytes -> %s" % (len(content), reply))
            return reply
        self.seq += 1
        base = os.path.join(self.dir, "%06d" % self.seq)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "helo": session.host_name,
            "peer": list(session.peer) if session.peer else None,
            "tls": session.ssl is not None,
            "auth_user": session.auth_data if session.authenticated else None,
            "size": len(content),
            "received": datetime.datetime.now(datetime.timezone.utc)
            .isoformat(timespec="milliseconds"),
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        os.rename(base + ".json.tmp", base + ".json")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(content)
        os.rename(base + ".eml.tmp", base + ".eml")
        reply = "250 2.0.0 OK queued as %06d" % self.seq
        self.log(session, "DATA %d bytes -> %s" % (len(content), reply))
        return reply

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode("utf-8", "replace") == self.user
              and auth_data.password.decode("utf-8", "replace") == self.password)
        login = (auth_data.login.decode("utf-8", "replace")
                 if isinstance(auth_data, LoginPassword) else None)
        self.log(session, "AUTH %s %s -> %s" % (mechanism, login, ok))
        return AuthResult(success=ok, handled=False, auth_data=login)


def main():
    ap = argparse.ArgumentParser(description="SMTP sink for tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--user", default="fabrique@example.org")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--log", default="/dev/null")
    ap.add_argument("--size-limit", type=int, default=256 * 1024 * 1024)
    a = ap.parse_args()

    os.makedirs(a.dir, exist_ok=True)
    logf = open(a.log, "a", encoding="utf-8")
    sink = Sink(a.dir, logf, a.user, a.password)
    tls = None
    if a.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.tls_cert, a.tls_key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(sink, hostname="sink.rig.test", ident="guichet test sink",
                    data_size_limit=a.size_limit, enable_SMTPUTF8=True,
                    decode_data=False, tls_context=tls,
                    require_starttls=False, auth_required=False,
                    auth_require_tls=False, authenticator=sink.authenticate,
                    loop=loop)

    try:
        server = loop.run_until_complete(
            loop.create_server(factory, host=HOST, port=a.port,
                               reuse_address=True))
    except OSError as e:
        print("smtp-sink: cannot listen on %s:%d: %s" % (HOST, a.port, e),
              file=sys.stderr)
        return 75 if e.errno == errno.EADDRINUSE else 1
    port = server.sockets[0].getsockname()[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)
    logf.write("%s listening on %s:%d\n"
               % (datetime.datetime.now().isoformat(timespec="milliseconds"),
                  HOST, port))
    logf.flush()

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(0))
    loop.run_until_complete(stop)
    server.close()
    try:
        loop.run_until_complete(asyncio.wait_for(server.wait_closed(), 1))
    except asyncio.TimeoutError:
        pass
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
