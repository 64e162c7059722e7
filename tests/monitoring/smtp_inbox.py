"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


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


class SmtpServer:
    """start() / stop() around aiosmtpd's threaded controller; url is what CONSENT_SMTP_URL takes."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()
