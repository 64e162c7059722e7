"""Handing one message to CONSENT_SMTP_URL's server: its certificate verified, credentials never in clear.

smtps:// speaks TLS from the first byte; smtp:// with credentials must upgrade with STARTTLS before AUTH
(a server that does not offer it is refused: a man in the middle could strip the offer and read the password).
The certificate is checked against the system's CA store, or CONSENT_SMTP_CA_FILE for a private CA, host
name included. Reasons are one line without the server's address, since they go to the console and the log.
"""

import smtplib
import socket
import ssl
from urllib.parse import unquote
from urllib.parse import urlsplit

SMTP_TIMEOUT = 20


class MailNotSent(Exception):
    """A message that was not handed over; `reason` says why in one line a person can act on."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def tls_context(ca_file):
    """Certificate and host name verified: against the private CA when one is set, else the system's store."""
    return ssl.create_default_context(cafile=ca_file)


def send(settings, message):
    """Send `message` through settings.smtp_url; MailNotSent with the reason when it could not be."""
    try:
        _send(settings.smtp_url, tls_context(settings.smtp_ca_file), message)
    except MailNotSent:
        raise
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(reason_of(error)) from error


def _send(smtp_url, context, message):
    parts = urlsplit(smtp_url)
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_TIMEOUT)
    with client:
        if parts.username and parts.scheme == "smtp":
            client.ehlo()
            if not client.has_extn("starttls"):
                raise MailNotSent("the mail server does not offer STARTTLS on smtp://, so the credentials were not "
                                  "sent in clear (use smtps:// or a server with STARTTLS)")
            client.starttls(context=context)
            client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def reason_of(error):
    """One line for a failed send, naming what to fix and never the server's address."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return (f"the mail server's certificate was not accepted ({error.verify_message}); "
                "CONSENT_SMTP_CA_FILE names a private CA")
    if isinstance(error, ssl.SSLError):
        return f"TLS with the mail server failed ({error.reason or type(error).__name__})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the mail server refused the credentials (SMTP {error.smtp_code})"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"the mail server refused every recipient ({len(error.recipients)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the mail server answered SMTP {error.smtp_code}"
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"the mail server did not answer within {SMTP_TIMEOUT} s"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the mail server closed the connection"
    return f"the message could not be sent ({type(error).__name__})"
