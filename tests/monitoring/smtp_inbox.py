"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives; optionally TLS and AUTH."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Inbox:
    """aiosmtpd's handler: each DATA command's message, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "message": message,
                              "subject": message["Subject"], "body": message.get_content()})
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Logins:
    """aiosmtpd's authenticator: accepts one user and password, and notes every attempt and whether TLS was on."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        self.attempts.append({"login": login, "tls": session.ssl is not None})
        return AuthResult(success=(login, auth_data.password.decode()) == (self.user, self.password))


class SmtpServer:
    """start() / stop() around aiosmtpd's threaded controller; url is what CONSENT_SMTP_URL takes.

    ssl_context: TLS from the first byte (smtps://); tls_context: STARTTLS offered; credentials (user,
    password): AUTH required after STARTTLS, or offered in clear when no tls_context is given (the hostile case).
    """

    def __init__(self, *, ssl_context=None, tls_context=None, credentials=None):
        self.inbox = Inbox()
        self.port = free_port()
        options = {}
        self.logins = None
        if credentials:
            self.logins = Logins(*credentials)
            # Without TLS, AUTH is offered in clear but not demanded (demanding it is what aiosmtpd warns about).
            tls = tls_context is not None
            options.update(authenticator=self.logins, auth_required=tls, auth_require_tls=tls)
        if tls_context is not None:
            options.update(tls_context=tls_context, require_starttls=True)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, ssl_context=ssl_context,
                                     **options)
        scheme = "smtps" if ssl_context is not None else "smtp"
        user = f"{credentials[0]}:{credentials[1]}@" if credentials else ""
        self.url = f"{scheme}://{user}127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()
