"""A real SMTP server for the notification tests (Debian's python3-aiosmtpd): every message it accepts is written to
FOLDER as NNN.eml, with NNN.json beside it holding the envelope (MAIL FROM, RCPT TO, the login used). It listens on a
free loopback port and prints "LISTENING <port>". With LOGIN and PASSWORD it requires that login (AUTH, no TLS).
Usage: smtp_sink.py FOLDER [LOGIN PASSWORD]. Stopped by its PID."""
import asyncio
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

folder = sys.argv[1]
login = sys.argv[2] if len(sys.argv) > 3 else None
password = sys.argv[3] if len(sys.argv) > 3 else None
counter = itertools.count(1)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(folder, f"{next(counter):04d}")
        with open(name + ".json", "w", encoding="utf-8") as meta:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else ""}, meta)
        with open(name + ".tmp", "wb") as message:
            message.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name + ".eml")
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == login and auth_data.password.decode() == password
    # handled=False: aiosmtpd answers "535 … credentials invalid" itself (its default, handled=True, answers nothing).
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


async def main():
    options = dict(auth_required=True, auth_require_tls=False, authenticator=authenticate) if login else {}
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(Sink(), hostname="sink.test", **options), "127.0.0.1", 0)
    print("LISTENING", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
