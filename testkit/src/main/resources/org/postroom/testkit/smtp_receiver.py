"""A receiving SMTP server for Postroom's tests, on Debian's python3-aiosmtpd.

Options: --listen HOST:PORT, --hostname NAME, --tls-cert/--tls-key (offer STARTTLS),
--require-starttls, --user LOGIN:PASSWORD (repeatable: AUTH PLAIN/LOGIN required before MAIL),
--auth-plaintext (offer AUTH without TLS), --out DIR.

Records under --out: events.log (one line per connection, command verb, AUTH outcome; never a
password or an AUTH argument), and per message N.eml (the content as received) with N.env
(sender, recipients, tls, authenticated login, peer). Prints "ready" once listening.
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

p = argparse.ArgumentParser()
p.add_argument("--listen", required=True)
p.add_argument("--hostname", default="receiver.test")
p.add_argument("--tls-cert")
p.add_argument("--tls-key")
p.add_argument("--require-starttls", action="store_true")
p.add_argument("--user", action="append", default=[])
p.add_argument("--auth-plaintext", action="store_true")
p.add_argument("--out", required=True)
a = p.parse_args()

users = dict(u.split(":", 1) for u in a.user)
counter = itertools.count(1)


def event(line):
    with open(os.path.join(a.out, "events.log"), "a") as f:
        f.write(line.replace("\r", "\\r").replace("\n", "\\n") + "\n")


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        event("auth %s unsupported" % mechanism)
        return AuthResult(success=False, handled=False)
    login = auth_data.login.decode("utf-8", "replace")
    ok = users.get(login) == auth_data.password.decode("utf-8", "replace")
    event("auth %s %s %s" % (mechanism, login, "ok" if ok else "failed"))
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        with open(os.path.join(a.out, "%d.eml.tmp" % n), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        env = {
            "sender": envelope.mail_from,
            "recipients": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "tls": session.ssl is not None,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "peer": session.peer[0],
        }
        with open(os.path.join(a.out, "%d.env" % n), "w") as f:
            json.dump(env, f)
        os.rename(os.path.join(a.out, "%d.eml.tmp" % n), os.path.join(a.out, "%d.eml" % n))
        event("message %d" % n)
        return "250 2.0.0 Ok: queued as R%d" % n


class Recorder(SMTP):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for verb, method in list(self._smtp_methods.items()):
            self._smtp_methods[verb] = self._logged(verb, method)

    @staticmethod
    def _logged(verb, method):
        async def call(arg):
            event("command " + verb)
            return await method(arg)
        return call

    def connection_made(self, transport):
        if not getattr(self, "_seen", False):
            self._seen = True
            event("connect")
        super().connection_made(transport)


tls = None
if a.tls_cert:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.tls_cert, a.tls_key)

kw = dict(hostname=a.hostname, tls_context=tls, require_starttls=a.require_starttls, timeout=60)
if users:
    kw.update(auth_required=True, auth_require_tls=not a.auth_plaintext, authenticator=authenticator)

host, port = a.listen.rsplit(":", 1)
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
handler = Handler()
server = loop.run_until_complete(loop.create_server(lambda: Recorder(handler, loop=loop, **kw), host, int(port)))
loop.add_signal_handler(signal.SIGTERM, loop.stop)
print("ready", flush=True)
loop.run_forever()
server.close()
