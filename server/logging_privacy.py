"""No IP address reaches any log: a filter that masks them, and gunicorn's logger class that applies it.

gunicorn itself writes visitors' addresses in some messages ("Invalid request from ip=..."), so the
mask sits on the handlers, where every record passes whoever logged it: gunicorn, Flask or this service.
"""

import ipaddress
import logging
import re

from gunicorn.glogging import Logger

MASK = "[address]"
# gunicorn's messages about the service's own bind address (never a visitor's): left as written, so an operator
# reads where the service listens.
OWN_ADDRESS_MESSAGES = frozenset({"Listening at: %s (%s)", "Listening at: %s", "Connection in use: %s",
                                  "Can't connect to %s"})
# Candidates only: each is confirmed by ipaddress, so times (12:30:05) and versions stay as they are.
_CANDIDATE = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)"
                        r"|(?<![\w:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:%\w+)?(?![\w:]|\.[\w:])")


def _masked(match):
    text = match.group(0)
    # A full stop may end the sentence, not the address.
    address = text.rstrip(".")
    try:
        ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return text
    return MASK + text[len(address):]


def mask_addresses(text):
    """text with every IPv4 and IPv6 address replaced by [address]."""
    return _CANDIDATE.sub(_masked, text)


class AddressFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) without addresses; never drops a record.

    Only gunicorn's lines naming its own bind address are left alone.
    """

    def filter(self, record):
        if record.msg in OWN_ADDRESS_MESSAGES:
            return True
        message = record.getMessage()
        masked = mask_addresses(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_addresses(record.exc_text)
        return True


ADDRESS_FILTER = AddressFilter()


def mask_handlers(*loggers):
    """Put the filter on every handler of these loggers (the root logger when none is named)."""
    for logger in loggers or (logging.getLogger(),):
        for handler in logger.handlers:
            if ADDRESS_FILTER not in handler.filters:
                handler.addFilter(ADDRESS_FILTER)


class AddressFreeLogger(Logger):
    """gunicorn's logger (`logger_class`), its error and access handlers and the root's masked after each setup."""

    def setup(self, cfg):
        super().setup(cfg)
        mask_handlers(self.error_log, self.access_log, logging.getLogger())
