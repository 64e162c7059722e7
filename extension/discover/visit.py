"""Browse like a new visitor (no click on any banner) and record every cookie and every third-party request."""

from urllib.parse import urldefrag
from urllib.parse import urlsplit

from selenium.common.exceptions import WebDriverException

from extension.channel import ask_page
from extension.cookies import collect
from extension.cookies import host_of
from extension.cookies import site_of
from extension.discover.beyond import seen_beyond_cookies
from extension.driver import fresh_tab
from extension.driver import visit
from extension.driver import wait_notice
from extension.driver import wait_quiet
from extension.navigation import allowed_for
from extension.navigation import stay_within
from extension.tracking.probe import stored

LINKS_JS = "return Array.from(document.querySelectorAll('a[href]'), (a) => a.href);"
SKIPPED = (".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx")


def same_origin_links(driver, url: str) -> list:
    """Links of the page shown to other pages of its origin, in page order, without fragments or downloads."""
    try:
        hrefs = driver.execute_script(LINKS_JS) or []
    except WebDriverException:
        return []
    origin = urlsplit(url)[:2]
    found = []
    for href in hrefs:
        target = urldefrag(href)[0]
        if urlsplit(target)[:2] == origin and target != url and not target.lower().endswith(SKIPPED):
            found.append(target)
    return list(dict.fromkeys(found))


def explore(browser, start: str, crawl: int) -> dict:
    """A new visitor's visit to start and up to crawl same-origin pages: what they were sent and what ran."""
    driver = browser.driver
    allowed = allowed_for(start, {"observed": True})  # no agency yet: the start page's registrable domain
    fresh_tab(driver)
    pages, queue = [], [start]
    while queue and len(pages) <= crawl:
        url = queue.pop(0)
        if url in pages:
            continue
        visit(driver, url, allowed)
        wait_notice(driver)
        wait_quiet(driver, quiet_ms=400)
        stay_within(driver, allowed)
        pages.append(url)
        queue += [link for link in same_origin_links(driver, url) if link not in pages and link not in queue]
    stay_within(driver, allowed)
    record = ask_page(driver, "read")
    kept = stored(driver)  # what the browser holds for the last page's frames, keys written any way
    stay_within(driver, allowed)
    own = site_of(host_of(start))
    third = {}
    for event in record.get("events", []):
        if event.get("kind") == "request" and site_of(host_of(event["url"])) != own:
            parts = urlsplit(event["url"])
            third.setdefault(f"{parts.scheme}://{parts.netloc}/", []).append(event["url"])
    cookies = [fact.to_dict() for fact in collect({"visit": record})]
    return {"start": start, "pages": pages, "cookies": cookies,
            "third_party_requests": {prefix: sorted(set(urls))[:20] for prefix, urls in sorted(third.items())},
            "beyond_cookies": seen_beyond_cookies(record, kept, start)}
