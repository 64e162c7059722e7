"""`consent-qa check URL... [--agency ID]` and `consent-qa discover URL...`: judge pages, write the reports."""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlsplit

from extension import waivers as qa_waivers
from extension.browser import SetupError
from extension.chromium import warn_if_unsandboxed
from extension.discover.command import add_discover_parser
from extension.discover.command import run_discover
from extension.discover.observed import base_notice
from extension.report import write_reports
from extension.runner import run_checks

EXIT_PASS, EXIT_FAIL, EXIT_SETUP = 0, 1, 2
FETCH_TIMEOUT = 10


class UsageError(Exception):
    """Bad arguments or an unusable environment: exit 2 with one line."""


def build_parser() -> argparse.ArgumentParser:
    """The command line; argparse itself exits 2 on bad usage."""
    parser = argparse.ArgumentParser(prog="consent-qa", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check pages against the Enterprise cookie policy")
    check.add_argument("urls", nargs="+", metavar="URL", help="pages to check (http or https)")
    check.add_argument("--agency", help="the agency id whose notice and trackers apply (without it: judged from "
                       "observation alone, every outside party undeclared and not contracted)")
    check.add_argument("--commonwealth-domain", action="append", metavar="DOMAIN",
                       help="without --agency: a Commonwealth domain for 2.1 (repeatable; default mass.gov, "
                       "state.ma.us)")
    check.add_argument("--readability", action="store_true",
                       help="also grade the privacy policy the page links (clause 1.1; always on without --agency "
                       "or when the agency sets readability_max_grade)")
    check.add_argument("--service", help="the consent service's base URL (default: each page's own origin)")
    check.add_argument("--report-dir", default="consent-qa-report", help="where the reports go")
    check.add_argument("--remote-url", help="a W3C WebDriver endpoint (Selenium Grid or chromedriver --port)")
    check.add_argument("--workers", type=int, default=1, help="pages checked in parallel (default 1)")
    check.add_argument("--gpc", action="store_true", help="also visit each page with Global Privacy Control on")
    check.add_argument("--browser-arg", action="append", default=[], metavar="ARG",
                       help="extra Chromium argument, e.g. --host-resolver-rules=... (repeatable)")
    add_discover_parser(commands)
    return parser


def origin_of(url: str) -> str:
    """scheme://host[:port] of a page: its own service by default."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def fetch_notice(service: str, agency: str) -> dict:
    """The agency's notice as the service publishes it (trackers, links, Commonwealth domains)."""
    url = f"{service.rstrip('/')}/v1/{quote(agency, safe='')}/notice"
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise UsageError(f"the service at {service} does not know agency {agency!r} (404 from {url})") from e
        raise UsageError(f"cannot read the notice from {url}: HTTP {e.code}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise UsageError(f"cannot read the notice from {url}: {getattr(e, 'reason', e)}") from e


def resolved_by_browser(browser_args: list) -> bool:
    """With --host-resolver-rules the browser reaches hosts this machine cannot look up: it reports itself."""
    return any(arg.startswith("--host-resolver-rules") for arg in browser_args)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect answer means the page is there; where it leads is for the journey to judge, never fetched here."""

    def redirect_request(self, *args, **kwargs):
        return None


def check_reachable(url: str) -> None:
    """Fail fast with a clear message when a page cannot be loaded at all."""
    request = urllib.request.Request(url, headers={"User-Agent": "consent-qa (reachability check)"})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=FETCH_TIMEOUT):
            return
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            return
        raise UsageError(f"page unreachable: {url} answers HTTP {e.code}") from e
    except (urllib.error.URLError, OSError) as e:
        raise UsageError(f"page unreachable: {url} ({getattr(e, 'reason', e)})") from e


def validate(args) -> None:
    """Refuse what cannot work before any browser starts."""
    for url in args.urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise UsageError(f"not an http(s) URL: {url}")
    if getattr(args, "workers", 1) < 1:
        raise UsageError("--workers must be at least 1")


def progress_printer(stream):
    """A one-line progress bar on a terminal; nothing in CI or when output is redirected."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") or not stream.isatty():
        return None

    def show(done, total):
        width = 30
        filled = int(width * done / total)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages")
        if done == total:
            stream.write("\n")
        stream.flush()
    return show


def run(args) -> int:
    """Fetch the notices, check the pages, write the reports; the exit code says how it went."""
    validate(args)
    if args.command == "discover":
        return run_discover(args)
    notices, by_service = {}, {}
    for url in args.urls:
        service = args.service or origin_of(url)
        if not args.agency:
            notices[url] = base_notice(url, args.commonwealth_domain)
        elif service not in by_service:
            by_service[service] = fetch_notice(service, args.agency)
        notice = notices.get(url, by_service.get(service, {}))
        # Clause 1.1 is graded when asked, without an agency file, or when the agency set its own limit.
        notices[url] = {**notice, "qa_readability": bool(args.readability or not args.agency
                                                         or notice.get("readability_max_grade") is not None)}
    if not args.remote_url and not resolved_by_browser(args.browser_arg):
        # A remote browser may reach hosts this machine cannot: then the browser itself reports.
        for url in args.urls:
            check_reachable(url)
    waivers = qa_waivers.load_waivers(by_service, args.agency, warn=lambda line: print(line, file=sys.stderr)) \
        if args.agency else {}
    pages, findings = run_checks(args.urls, notices, workers=args.workers, gpc=args.gpc,
                                 remote_url=args.remote_url, extra_args=tuple(args.browser_arg),
                                 progress=progress_printer(sys.stderr))
    waivers_by_url = {url: waivers.get(args.service or origin_of(url), []) for url in args.urls}
    findings = qa_waivers.apply_waivers(findings, notices, waivers_by_url, qa_waivers.today())
    meta = {"agency": args.agency, "services": sorted(by_service), "gpc": args.gpc, "workers": args.workers,
            "declaration": "agency file" if args.agency else "none: judged from observation alone"}
    paths = write_reports(Path(args.report_dir), pages, findings, meta)
    failed = [f for f in findings if f.verdict == "fail"]
    for finding in failed:
        print(f"FAIL {finding.url} [{finding.clause}] {finding.reason}")
    waived = [f for f in findings if f.verdict == "waived"]
    for finding in waived:
        print(f"WAIVED {finding.url} [{finding.clause}] waiver {', '.join(map(str, finding.waivers))}")
    unknown = [f for f in findings if f.verdict == "unknown"]
    for finding in unknown:
        print(f"UNKNOWN {finding.url} [{finding.clause}] {finding.reason}")
    errors = [p for p in pages if p.error]
    for page in errors:
        print(f"consent-qa: error: {page.url}: {page.error}", file=sys.stderr)
    print(f"{len(pages)} page(s), {len(findings)} finding(s), {len(failed)} failed, {len(waived)} waived, "
          f"{len(unknown)} unknown; "
          f"reports in {paths['html'].parent}")
    if errors:
        return EXIT_SETUP
    return EXIT_FAIL if failed else EXIT_PASS


def main(argv=None) -> int:
    """Console entry point: `consent-qa = extension.cli:main`."""
    args = build_parser().parse_args(argv)
    warn_if_unsandboxed()
    try:
        return run(args)
    except (UsageError, SetupError) as e:
        print(f"consent-qa: error: {e}", file=sys.stderr)
        return EXIT_SETUP


if __name__ == "__main__":
    sys.exit(main())
