#!/usr/bin/env python3
"""SMTP load over STARTTLS, in the manner of Postfix's smtp-source (which has no TLS).

    starttls-load.py [-d] [-s SESSIONS] [-m MESSAGES] [-l LENGTH] [-w WARM] [-f FROM] [-t TO] [-M HELO] HOST:PORT

SESSIONS threads, each: connect, 220, EHLO (STARTTLS must be offered), STARTTLS, 220, a full TLS handshake
(TLS 1.2 or 1.3; no session is resumed), EHLO, then MAIL FROM / RCPT TO / DATA with a message laid out as
smtp-source's (From, To, Date, Message-Id, then LENGTH bytes of X with a line break every 80), and QUIT. As
smtp-source does by default, a session carries one message and the next message opens a new connection (one
TLS handshake per message); with -d (smtp-source -d) a session sends message after message over one connection
and TLS session. Either way the threads take messages from one shared count. The certificate is not verified
(opportunistic TLS, as at Postfix's "may" level). Any reply other than the expected one (220, 250, 354, 221)
and any socket or TLS failure is an error: counted, the connection dropped, the message not sent again.

-w WARM first runs WARM TLS sessions without mail (EHLO, STARTTLS, EHLO, QUIT), untimed: a check that TLS
works. Output, one line: t0= and t1= (epoch seconds; t0 just before the first connection of the timed run),
messages, accepted, errors, tls_sessions (of the timed run), tls= (negotiated protocol/cipher x count) and
client_cpu_s (this process, timed run); then one "error: COUNT x TEXT" line per distinct error. Exit status 1
unless every message was accepted without error.

Python's ssl module is OpenSSL: a TLS handshake costs this client ~2 ms of CPU and a message over an
established session ~0.3 ms, about a quarter of what a JDK (JSSE) client took on the same machine, which
matters when client and servers share two cores.
"""
import email.utils
import os
import socket
import ssl
import sys
import threading
import time
from collections import Counter


def usage():
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    sys.exit(2)


class Failure(Exception):
    pass


def main():
    args = sys.argv[1:]
    opt = {"-s": "1", "-m": "1", "-l": "5120", "-w": "0", "-f": "sender@example.org",
           "-t": "user@bench.test", "-M": "load.example"}
    reuse = False
    while args and args[0].startswith("-"):
        o = args.pop(0)
        if o == "-d":
            reuse = True
        elif o in opt and args:
            opt[o] = args.pop(0)
        else:
            usage()
    if len(args) != 1:
        usage()
    host, _, port = args[0].rpartition(":")
    if not host:
        host, port = args[0], "25"
    port = int(port)
    sessions, messages, length, warm = (int(opt[k]) for k in ("-s", "-m", "-l", "-w"))
    sender, rcpt, helo = opt["-f"], opt["-t"], opt["-M"]

    # smtp-source's body: LENGTH bytes, a line break every 80 characters, then the final "."
    body = "".join("\r\n" if p % 80 == 79 else "X" for p in range(length))
    if body and not body.endswith("\n"):
        body += "\r\n"
    body = (body + ".\r\n").encode("ascii")

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2

    lock = threading.Lock()
    state = {"left": 0, "accepted": 0, "sessions": 0, "seq": 0}
    errors = Counter()
    negotiated = Counter()
    pid = os.getpid()

    def take():
        with lock:
            state["left"] -= 1
            return state["left"] >= 0

    def reply(f, stage, want):
        while True:
            line = f.readline(4096)
            if not line:
                raise Failure(f"{stage}: connection closed by server")
            if line[3:4] != b"-":
                break
        text = line.rstrip(b"\r\n").decode("ascii", "replace")
        if text[:3] != str(want):
            raise Failure(f"{stage}: {text}")

    class Conn:
        def __init__(self):
            self.raw = socket.create_connection((host, port), timeout=120)
            self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock, self.f = self.raw, self.raw.makefile("rb")

        def cmd(self, line, stage, want):
            self.sock.sendall(line.encode("ascii") + b"\r\n")
            reply(self.f, stage, want)

        def close(self):
            for c in (self.f, self.sock, self.raw):
                try:
                    c.close()
                except OSError:
                    pass

    def open_session():
        c = Conn()
        try:
            reply(c.f, "greeting", 220)
            c.sock.sendall(f"EHLO {helo}\r\n".encode("ascii"))
            ehlo = []
            while True:
                line = c.f.readline(4096)
                if not line:
                    raise Failure("EHLO: connection closed by server")
                ehlo.append(line[4:].strip().upper())
                if line[3:4] != b"-":
                    break
            if line[:3] != b"250":
                raise Failure("EHLO: " + line.rstrip().decode("ascii", "replace"))
            if b"STARTTLS" not in ehlo:
                raise Failure("EHLO: STARTTLS not offered")
            c.cmd("STARTTLS", "STARTTLS", 220)
            c.f.close()
            c.sock = ctx.wrap_socket(c.raw, server_hostname=None)
            c.f = c.sock.makefile("rb")
            with lock:
                negotiated[f"{c.sock.version()}/{c.sock.cipher()[0]}"] += 1
            c.cmd(f"EHLO {helo}", "EHLO after STARTTLS", 250)
            with lock:
                state["sessions"] += 1
            return c
        except BaseException:
            c.close()
            raise

    def quit_session(c):
        try:
            c.cmd("QUIT", "QUIT", 221)
        finally:
            c.close()

    def message(c):
        c.cmd(f"MAIL FROM:<{sender}>", "MAIL", 250)
        c.cmd(f"RCPT TO:<{rcpt}>", "RCPT", 250)
        c.cmd("DATA", "DATA", 354)
        with lock:
            state["seq"] += 1
            seq = state["seq"]
        head = (f"From: <{sender}>\r\nTo: <{rcpt}>\r\nDate: {email.utils.formatdate()}\r\n"
                f"Message-Id: <{pid}.{seq}@{helo}>\r\n\r\n").encode("ascii")
        c.sock.sendall(head + body)
        reply(c.f, "end of DATA", 250)
        with lock:
            state["accepted"] += 1

    def fail(e):
        text = str(e) if isinstance(e, Failure) else f"{type(e).__name__}: {e}"
        with lock:
            errors[text[:160]] += 1

    def worker():
        c = None
        while take():
            try:
                if c is None:
                    c = open_session()
                message(c)
                if not reuse:
                    q, c = c, None
                    quit_session(q)
            except Exception as e:  # noqa: BLE001 - every failure is counted
                fail(e)
                if c is not None:
                    c.close()
                c = None
        if c is not None:
            try:
                quit_session(c)
            except Exception as e:  # noqa: BLE001
                fail(e)

    def warm_worker():
        while take():
            try:
                quit_session(open_session())
            except Exception as e:  # noqa: BLE001
                fail(e)

    def run(target):
        ts = [threading.Thread(target=target, name=f"session-{i}") for i in range(sessions)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    def report(prefix):
        tls = ",".join(f"{k}x{v}" for k, v in sorted(negotiated.items())) or "none"
        print(f"{prefix}messages={messages} accepted={state['accepted']} errors={sum(errors.values())} "
              f"tls_sessions={state['sessions']} tls={tls}", end="")

    if warm > 0:
        state["left"] = warm
        run(warm_worker)
        if errors:
            report("phase=warm-up ")
            print()
            for k, v in errors.items():
                print(f"error: {v} x {k}")
            sys.exit(1)
        negotiated.clear()
        state["sessions"] = 0

    state["left"] = messages
    cpu0 = time.process_time()
    t0 = time.time()
    run(worker)
    t1 = time.time()
    cpu = time.process_time() - cpu0
    report(f"t0={t0:.6f} t1={t1:.6f} ")
    print(f" client_cpu_s={cpu:.2f}")
    for k, v in errors.items():
        print(f"error: {v} x {k}")
    sys.exit(0 if not errors and state["accepted"] == messages else 1)


if __name__ == "__main__":
    main()
