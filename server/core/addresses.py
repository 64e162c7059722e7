"""Which addresses are off the public Internet: one rule for the equal-access fetcher and consent-qa's journey."""

import ipaddress
import socket

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_public(address):
    """Routable on the public Internet: not private, loopback, link-local, multicast or reserved."""
    if getattr(address, "ipv4_mapped", None) is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def non_public_kind(address):
    """Why an address is off the public Internet ("loopback", "link-local", "private", "reserved"); None if public."""
    address = ipaddress.ip_address(address) if isinstance(address, str) else address
    if getattr(address, "ipv4_mapped", None) is not None:
        address = address.ipv4_mapped
    if is_public(address):
        return None
    for kind in ("loopback", "link_local", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return "reserved"


def system_resolver(host, port):
    """Every address the system resolver gives for host (A and AAAA)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]
