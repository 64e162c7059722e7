"""Records shaped like the extension's, for the clause tests: a clear notice, a journey where opting out worked."""

URL = "https://www.mass.gov/service"
NOW = 1_800_000_000_000
NOTICE = {
    "privacy_policy_url": "https://www.mass.gov/privacy",
    "commonwealth_domains": ["mass.gov"],
    "trackers": [
        {"id": "acme", "vendor": "Acme Analytics", "license_url": "https://acme.example/license",
         "privacy_url": "https://acme.example/privacy", "contracted": True,
         "requests": ["/stats/", "https://acme.example/collect"],
         "cookies": [{"name": "_acme", "domain": "mass.gov", "persistent": True, "expiry_days": 365},
                     {"name": "_acme_uid", "domain": "acme.example", "persistent": True, "expiry_days": 30}]},
        {"id": "adco", "vendor": "Ad Co", "license_url": "https://adco.example/license",
         "privacy_url": "https://adco.example/privacy", "contracted": False, "requests": [],
         "cookies": [{"name": "_ad", "domain": "adco.example", "persistent": True, "expiry_days": 90}]},
    ],
}


def text(size=16, color="rgb(17, 17, 17)", layers=("rgb(255, 255, 255)",), chars=120):
    """A text element of the notice as facts.js measures it."""
    return {"chars": chars, "text": "x" * 20, "fontSize": size, "fontWeight": 400, "color": color,
            "background": {"layers": list(layers), "image": False}}


def control(action, name, width=120, height=44, size=16, visible=True):
    """A choice control as facts.js measures it."""
    return {"action": action, "name": name, "tag": "button", "visible": visible, "tabbable": True,
            "rect": {"x": 0, "y": 800, "width": width, "height": height}, "fontSize": size}


def facts(**changes):
    """A clear notice at the bottom of the first screen, with changes."""
    notice = {
        "hook": "data-consent-notice", "visible": True, "rect": {"x": 0, "y": 700, "width": 1280, "height": 200},
        "text": "We use cookies from Acme Analytics and Ad Co.", "fullText": "We use cookies from Acme Analytics "
        "and Ad Co. Privacy policy", "texts": [text()],
        "links": [{"href": "https://www.mass.gov/privacy/", "text": "Privacy policy", "visible": True}],
        "controls": [control("opt-out", "Opt out"), control("accept", "Accept")],
    }
    notice.update(changes)
    return {"viewport": {"width": 1280, "height": 900, "scrollX": 0, "scrollY": 0}, "notice": notice,
            "pageControls": [], "tabbable": 10}


def verdict(finding):
    return finding.verdict


def journey(**changes):
    """A page record where opting out worked, with changes."""
    page = {
        "url": URL,
        "before": {"facts": facts(), "record": {"events": [], "cookies": [], "now": NOW}},
        "keyboard": {"reached": True},
        "opt_out": {"found": True, "clicked": True, "error": None, "where": "notice", "by": "data-consent-action"},
        "after_record": {"events": [], "cookies": [], "now": NOW},
        "after": {"facts": {"notice": None}, "dom": "<main>x</main>"},
        "next": {"url": URL + "/more", "facts": {"notice": None}},
    }
    page.update(changes)
    return page


def request(url):
    """A recorded request event."""
    return {"kind": "request", "url": url, "type": "script", "time": NOW}


def cookie(name, domain, persistent=True, days=30.0):
    """A merged cookie fact as cookies.collect() gives it."""
    return {"name": name, "domain": domain, "persistent": persistent, "lifetime_days": days if persistent else None}
