"""The built-in demo agency: a template in the package, filled in with the address the service is bound to."""

from importlib import resources
from urllib.parse import urlsplit

from server.core.agency import load_agency_text

TEMPLATE = "agency.toml"


def demo_agency_text(public_url):
    """The demo agency file for a service reached at public_url (its origins, policy links and cookie host)."""
    template = resources.files("server").joinpath("demo_site", TEMPLATE).read_text(encoding="utf-8")
    host = urlsplit(public_url).hostname
    return template.replace("__ORIGIN__", public_url).replace("__HOST__", host)


def demo_agency(public_url):
    """The demo agency, validated like any agency file (a bad CONSENT_PUBLIC_URL is refused here too)."""
    return load_agency_text(demo_agency_text(public_url), "demo.toml")
