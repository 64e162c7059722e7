"""`consent-qa discover URL... [--crawl N] --out FILE`: a draft agency file from what the site really sets."""

import sys
from pathlib import Path

from extension.browser import launch_chrome
from extension.channel import ChannelError
from extension.clauses.privacy_readability import privacy_link
from extension.discover.beyond import listing
from extension.discover.draft import draft_toml
from extension.discover.observed import DEFAULT_COMMONWEALTH_DOMAINS
from extension.discover.visit import explore
from extension.driver import PageError
from extension.discover.sitemap_pages import sitemap_pages
from extension.navigation import LeftAllowedPlaces
from server.core.agency_schema import MAX_SITEMAP_PAGES
from server.core.sitemap import SitemapError

DEFAULT_SITEMAP_PAGES = 10


def add_discover_parser(commands) -> None:
    """The discover subcommand's arguments."""
    discover = commands.add_parser("discover", help="visit pages as a new visitor and draft the agency file")
    discover.add_argument("urls", nargs="*", metavar="URL", help="pages to start from (http or https)")
    discover.add_argument("--sitemap", metavar="URL",
                          help="also start from pages of this sitemap (indexes followed, gzip accepted), "
                               "chosen across the site's sections, on the sitemap's origin only")
    discover.add_argument("--max-pages", type=int, default=DEFAULT_SITEMAP_PAGES, metavar="N",
                          help=f"pages taken from --sitemap (default {DEFAULT_SITEMAP_PAGES})")
    discover.add_argument("--crawl", type=int, default=0, metavar="N",
                          help="also follow up to N same-origin links from each page (default 0)")
    discover.add_argument("--out", required=True, help="where to write the draft agency TOML")
    discover.add_argument("--commonwealth-domain", action="append", metavar="DOMAIN",
                          help="a Commonwealth domain for the 2.1 flags (repeatable; default mass.gov, state.ma.us)")
    discover.add_argument("--remote-url", help="a W3C WebDriver endpoint (Selenium Grid or chromedriver --port)")
    discover.add_argument("--browser-arg", action="append", default=[], metavar="ARG",
                          help="extra Chromium argument, e.g. --host-resolver-rules=... (repeatable)")


def run_discover(args) -> int:
    """Visit, write the draft, say what was found; exit 0, or 2 when a page could not be visited."""
    if args.crawl < 0:
        print("consent-qa: error: --crawl must be 0 or more", file=sys.stderr)
        return 2
    urls = _start_pages(args)
    if urls is None:
        return 2
    commonwealth = args.commonwealth_domain or list(DEFAULT_COMMONWEALTH_DOMAINS)
    browser = launch_chrome(remote_url=args.remote_url, extra_args=tuple(args.browser_arg))
    visits = []
    try:
        browser.wait_ready()
        for url in urls:
            try:
                visits.append(explore(browser, url, args.crawl))
            except (PageError, LeftAllowedPlaces, ChannelError) as e:
                print(f"consent-qa: error: {url}: {e}", file=sys.stderr)
                return 2
        links = browser.driver.execute_script("return Array.from(document.links, (a) => ({href: a.href, "
                                              "text: a.innerText || ''}))")
    finally:
        browser.quit()
    text = draft_toml(visits, commonwealth, privacy_link([], links or []))
    seen = listing(visits)  # storage keys, embeds and fingerprinting (issue 22), as comments of the draft
    text += "\n".join(seen) + "\n" if seen else ""
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    cookies = sum(len(v["cookies"]) for v in visits)
    outside = sum(len(v["third_party_requests"]) for v in visits)
    marked = text.count("FILL:")
    print(f"{sum(len(v['pages']) for v in visits)} page(s), {cookies} cookie(s), {outside} outside origin(s); "
          f"draft in {out} with {marked} line(s) marked FILL for a person")
    for note in seen[3:]:
        print(note.removeprefix("#   "))
    return 0


def _start_pages(args):
    """The URLs given, then those --sitemap chooses (its notes on stderr); None after a one-line error."""
    if not args.urls and not args.sitemap:
        print("consent-qa: error: give at least one URL or --sitemap URL", file=sys.stderr)
        return None
    if not 1 <= args.max_pages <= MAX_SITEMAP_PAGES:
        print(f"consent-qa: error: --max-pages must be 1 to {MAX_SITEMAP_PAGES}", file=sys.stderr)
        return None
    urls = list(args.urls)
    if args.sitemap:
        try:
            chosen, notes = sitemap_pages(args.sitemap, args.max_pages)
        except SitemapError as error:
            print(f"consent-qa: error: {error}", file=sys.stderr)
            return None
        for note in notes:
            print(f"consent-qa: {note}", file=sys.stderr)
        urls += [url for url in chosen if url not in urls]
    if not urls:
        print(f"consent-qa: error: sitemap {args.sitemap[:200]}: no page on its origin to visit", file=sys.stderr)
        return None
    return urls
