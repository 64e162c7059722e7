"""One equal-access check: fetch a page as two visitors, one who opted out, and compare."""

from dataclasses import dataclass

from server.core.cookie_name import OPT_OUT_COOKIE
from server.core.equal_access.compare import compare
from server.core.equal_access.extract import extract_bytes
from server.core.equal_access.rules import rules_for_agency


def opted_out_headers(token):
    """What a visitor who opted out sends: the session cookie with a valid token, and GPC."""
    return {"Cookie": f"{OPT_OUT_COOKIE}={token}", "Sec-GPC": "1"}


@dataclass(frozen=True)
class PageResult:
    """The comparison of one URL, with a summary of what each visitor got (bodies are not kept)."""

    url: str
    comparison: object
    before: dict
    after: dict

    def to_dict(self):
        return {
            "url": self.url,
            "equal": self.comparison.equal,
            "differences": [difference.to_dict() for difference in self.comparison.differences],
            "truncated": self.comparison.truncated,
            "status": {"before": self.before, "after": self.after},
        }


def check_page(url, agency, token, fetcher):
    """Fetch `url` without and with an opt-out (`token` must be valid for `agency`) and compare."""
    rules = rules_for_agency(agency, secrets=(token,))
    before = fetcher.fetch(url)
    after = fetcher.fetch(url, opted_out_headers(token))
    extracted = [
        extract_bytes(fetched.body, fetched.content_type, rules=rules, status=fetched.status,
                      final_url=fetched.final_url)
        for fetched in (before, after)
    ]
    return PageResult(url, compare(*extracted), before.summary(), after.summary())


def check_pages(urls, agency, token, fetcher):
    """Every URL is vetted first, so one refused URL means nothing at all is fetched."""
    for url in urls:
        fetcher.vet(url)
    return [check_page(url, agency, token, fetcher) for url in urls]
