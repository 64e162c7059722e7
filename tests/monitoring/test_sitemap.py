"""Sitemaps: indexes, gzip, caps and refusals as one clear line; pages chosen across sections, the same run to run."""

import gzip

import pytest

from monitoring.whole_site import pages_for
from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_text
from server.core.sitemap import SitemapError
from server.core.sitemap import choose
from server.core.sitemap import read_sitemap
from server.core.sitemap import section_of

SITE = "https://www.sample.mass.gov"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*urls):
    locs = "".join(f"<url><loc>{url}</loc><lastmod>2026-11-01</lastmod></url>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{locs}</urlset>'.encode()


def index(*urls):
    locs = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{locs}</sitemapindex>'.encode()


class Files:
    """A site's files by URL, and the URLs asked for (the fetcher the reader is handed)."""

    def __init__(self, files):
        self.files = files
        self.asked = []

    def __call__(self, url, max_bytes):
        self.asked.append(url)
        if url not in self.files:
            raise SitemapError(f"sitemap {url}: HTTP 404")
        return self.files[url]


def read(files, url=SITE + "/sitemap.xml", **limits):
    fetch = Files(files)
    return read_sitemap(url, fetch, [SITE], **limits), fetch


def test_an_index_is_followed_and_a_gzipped_sitemap_read():
    pages, _ = read({
        SITE + "/sitemap.xml": index(SITE + "/news.xml.gz", SITE + "/services.xml"),
        SITE + "/news.xml.gz": gzip.compress(urlset(SITE + "/news/a", SITE + "/news/b")),
        SITE + "/services.xml": urlset(SITE + "/services/x", SITE + "/news/a"),
    })
    assert pages.urls == (SITE + "/news/a", SITE + "/news/b", SITE + "/services/x")
    assert pages.notes == ()


def test_a_missing_child_sitemap_is_a_note_and_the_others_still_count():
    pages, _ = read({SITE + "/sitemap.xml": index(SITE + "/gone.xml", SITE + "/ok.xml"),
                     SITE + "/ok.xml": urlset(SITE + "/a/1")})
    assert pages.urls == (SITE + "/a/1",)
    assert pages.notes == (f"sitemap {SITE}/gone.xml: HTTP 404",)


@pytest.mark.parametrize(("body", "says"), [
    (b"<urlset><url><loc>https://www.sample.mass.gov/a", "not well-formed XML"),
    (b"<!DOCTYPE html>\n<html><body>Not found</body></html>", "an HTML page, not a sitemap"),
    (b"<rss><channel></channel></rss>", "its root element is <rss>, not <urlset> or <sitemapindex>"),
    (b'<!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>', "declares a DTD or entities"),
    (gzip.compress(b"<urlset>" + b" " * 3000 + b"</urlset>", mtime=0), "larger than 2000 bytes once decompressed"),
    (b"<urlset>" + b" " * 3000 + b"</urlset>", "larger than 2000 bytes"),
    (b"\x1f\x8b\x08\x00garbage", "not valid gzip"),
    (b'<?xml version="1.0" encoding="bogus"?><urlset/>', "not readable XML (unknown encoding: bogus)"),
])
def test_a_bad_sitemap_is_one_line_naming_it(body, says):
    with pytest.raises(SitemapError) as raised:
        read({SITE + "/sitemap.xml": body}, max_bytes=2000)
    line = str(raised.value)
    assert line.startswith(f"sitemap {SITE}/sitemap.xml: ") and says in line
    assert "\n" not in line


def test_a_gzip_bomb_stops_at_the_cap():
    bomb = gzip.compress(b"<urlset>" + b" " * 20_000_000 + b"</urlset>", compresslevel=9)
    assert len(bomb) < 30_000  # 20 MB from 20 kB: inflating stops at 10 MB
    with pytest.raises(SitemapError, match="larger than 10000000 bytes once decompressed"):
        read({SITE + "/sitemap.xml": bomb})


def test_nothing_off_the_agency_origins_is_fetched_or_kept():
    pages, fetch = read({
        SITE + "/sitemap.xml": index("http://169.254.169.254/latest/meta-data", SITE + "/s.xml"),
        SITE + "/s.xml": urlset(SITE + "/a/1", "https://elsewhere.example/x", "http://www.sample.mass.gov/a/2"),
    })
    assert fetch.asked == [SITE + "/sitemap.xml", SITE + "/s.xml"]
    assert pages.urls == (SITE + "/a/1",)
    assert pages.notes == ("sitemap http://169.254.169.254/latest/meta-data: not on the agency's origins, not fetched",
                           "2 sitemap URL(s) off the agency's origins left out")
    with pytest.raises(SitemapError, match="not on the agency's origins"):
        read({}, url="https://elsewhere.example/sitemap.xml")


def test_indexes_nest_only_so_deep_and_only_so_many_files_are_read():
    nested = {SITE + "/sitemap.xml": index(SITE + "/i1.xml"), SITE + "/i1.xml": index(SITE + "/i2.xml"),
              SITE + "/i2.xml": index(SITE + "/s.xml"), SITE + "/s.xml": urlset(SITE + "/a/1")}
    pages, fetch = read(nested)
    assert pages.urls == () and SITE + "/s.xml" not in fetch.asked
    assert any("nest at most 2 deep" in note for note in pages.notes)
    many = {SITE + "/sitemap.xml": index(*(f"{SITE}/s{n}.xml" for n in range(30)))}
    many.update({f"{SITE}/s{n}.xml": urlset(f"{SITE}/p/{n}") for n in range(30)})
    pages, fetch = read(many, max_sitemaps=5)
    assert len(fetch.asked) == 5 and len(pages.urls) == 4
    assert any("at most 5 sitemaps" in note for note in pages.notes)


def site_urls():
    sections = {"news": 40, "services": 8, "about": 2, "": 3}
    urls = [f"{SITE}/{name}/{n}" if name else f"{SITE}/page-{n}" for name, count in sections.items()
            for n in range(count)]
    return urls


def test_pages_are_chosen_across_sections_not_the_first_n():
    urls = site_urls()
    pages, _ = read({SITE + "/sitemap.xml": urlset(*urls)})
    chosen = choose(pages.urls, 8, pages.digest)
    sections = [section_of(url) for url in chosen]
    assert sorted(set(sections)) == ["", "about", "news", "services"]
    assert all(sections.count(name) == 2 for name in set(sections))  # round-robin: two turns of four sections
    assert chosen != tuple(urls[:8])


def test_the_same_pages_until_the_sitemap_changes():
    urls = site_urls()
    first, _ = read({SITE + "/sitemap.xml": urlset(*urls)})
    reordered, _ = read({SITE + "/sitemap.xml": urlset(*reversed(urls))})
    assert reordered.digest == first.digest
    assert choose(reordered.urls, 10, reordered.digest) == choose(first.urls, 10, first.digest)
    changed, _ = read({SITE + "/sitemap.xml": urlset(*urls, SITE + "/news/new")})
    assert changed.digest != first.digest
    assert choose(changed.urls, 10, changed.digest) != choose(first.urls, 10, first.digest)
    assert len(choose(first.urls, 500, first.digest)) == len(urls)


AGENCY = """
id = "sample"
name = "Sample Agency"
origins = ["https://www.sample.mass.gov", "https://forms.sample.mass.gov"]
privacy_policy_url = "https://www.sample.mass.gov/privacy"
terms_url = "https://www.sample.mass.gov/terms"
mode = "opt-out"
commonwealth_domains = ["mass.gov"]
[monitoring]
pages = ["/"]
"""


def test_the_agency_file_names_a_sitemap_on_its_origins():
    agency = load_agency_text(AGENCY + 'sitemap = "/sitemap.xml"\n', "sample.toml")
    assert agency.monitoring.sitemap == SITE + "/sitemap.xml" and agency.monitoring.max_pages == 50
    other_origin = 'sitemap = "https://forms.sample.mass.gov/s.xml"\nmax_pages = 5\n'
    agency = load_agency_text(AGENCY + other_origin, "sample.toml")
    assert agency.monitoring.sitemap == "https://forms.sample.mass.gov/s.xml" and agency.monitoring.max_pages == 5
    assert load_agency_text(AGENCY, "sample.toml").monitoring.sitemap is None


@pytest.mark.parametrize(("lines", "message"), [
    ('sitemap = "https://elsewhere.example/sitemap.xml"',
     'field monitoring.sitemap = "https://elsewhere.example/sitemap.xml": must be on one of the agency\'s origins'),
    ('sitemap = "http://169.254.169.254/"', "field monitoring.sitemap"),
    ('sitemap = "/site map.xml"', "field monitoring.sitemap"),
    ("max_pages = 0", "field monitoring.max_pages = 0"),
    ("max_pages = 501", "field monitoring.max_pages = 501"),
    ('max_pages = "5"', "field monitoring.max_pages"),
])
def test_a_bad_sitemap_setting_is_one_line(lines, message):
    with pytest.raises(AgencyConfigError) as raised:
        load_agency_text(AGENCY + lines + "\n", "sample.toml")
    assert str(raised.value).startswith("sample.toml: " + message)
    assert "\n" not in str(raised.value)


def test_whatever_breaks_in_a_sitemap_read_the_listed_pages_still_run():
    agency = load_agency_text(AGENCY + 'sitemap = "/sitemap.xml"\n', "sample.toml")

    def broken(url, max_bytes):
        raise MemoryError("cannot allocate")

    pages, notes = pages_for(agency, fetch=broken)
    assert pages == (SITE + "/",)
    assert notes == (f"sitemap {SITE}/sitemap.xml: could not be read (MemoryError); "
                     "only the agency file's 1 page(s) checked",)
