"""How fast consent-qa checks pages: one full check per page, and pages per minute with 1 and 2 workers.

Run: .venv/bin/python bench/qa_speed.py [--pages 8] [--repeat 5]
Serves the real app (demo on) from a werkzeug thread on loopback and checks its demo pages:
- "cold": one `consent-qa check` of one page in-process, browser start and reports included;
- "per page": the journey alone (fresh profile, visit, opt out, reload, next page, read) on a warm browser,
  and with the GPC visit in a second warm browser (as the monitor worker runs it);
- "throughput": run_checks over --pages pages with --workers 1 and 2, browser start included.
"""

import argparse
from contextlib import nullcontext
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from extension.browser import launch_chrome  # noqa: E402
from extension.clauses import evaluate  # noqa: E402
from extension.cli import main as cli_main  # noqa: E402
from extension.driver import check_page  # noqa: E402
from extension.runner import run_checks  # noqa: E402
from server import create_app  # noqa: E402
from server.db.migrate import upgrade_url  # noqa: E402

DEMO_PAGES = ("/demo/", "/demo/services", "/demo/forms", "/demo/privacy")


class Quiet(WSGIRequestHandler):
    """No access log in the measurements."""
    def log(self, *args):
        pass


def serve():
    """The real app with the demo on, in a thread."""
    # A console database of its own, at the code's schema (the app checks it at start).
    database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-qa-')) / 'console.sqlite3'}"
    upgrade_url(database)
    app = create_app({"AGENCIES_DIR": str(REPO_ROOT / "agencies"), "SECRET_KEYS": ["bench-key-0123456789abcdef"],
                      "DEMO": True, "DATABASE_URL": database})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def per_page(base, notice, repeat, gpc):
    """Seconds per page on warm browsers; with gpc, the GPC visit in a second browser (as the monitor worker)."""
    with launch_chrome() as browser, (launch_chrome(gpc=True) if gpc else nullcontext()) as second:
        for started in (browser, second):
            if started is not None:
                started.wait_ready()
        check_page(browser, f"{base}/demo/", notice, second)  # warm-up
        times = []
        for index in range(repeat):
            started = time.perf_counter()
            page = check_page(browser, base + DEMO_PAGES[index % len(DEMO_PAGES)], notice, second)
            evaluate(page, notice)
            times.append(time.perf_counter() - started)
    return {"median": round(statistics.median(times), 2), "max": round(max(times), 2), "runs": len(times)}


def main():
    """Measure and print JSON and a Markdown table for bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server, base = serve()
    notice = json.load(urllib.request.urlopen(f"{base}/v1/demo/notice"))
    results = {}

    with tempfile.TemporaryDirectory() as report_dir:
        started = time.perf_counter()
        code = cli_main(["check", f"{base}/demo/", "--agency", "demo", "--report-dir", report_dir])
        results["cold_one_page_s"] = round(time.perf_counter() - started, 2)
        results["cold_exit_code"] = code

    results["per_page_s"] = per_page(base, notice, args.repeat, gpc=False)
    results["per_page_gpc_s"] = per_page(base, notice, args.repeat, gpc=True)

    urls = [base + DEMO_PAGES[i % len(DEMO_PAGES)] for i in range(args.pages)]
    notices = {url: notice for url in urls}
    for workers in (1, 2):
        started = time.perf_counter()
        pages, findings = run_checks(urls, notices, workers=workers, gpc=False, remote_url=None)
        elapsed = time.perf_counter() - started
        failed = sum(f.verdict == "fail" for f in findings)
        results[f"workers_{workers}"] = {"pages": len(pages), "seconds": round(elapsed, 2),
                                         "pages_per_minute": round(60 * len(pages) / elapsed, 1),
                                         "failed_findings": failed}
    server.shutdown()
    print(json.dumps(results, indent=2))
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| one page, cold (`consent-qa check`, browser start + reports) | {results['cold_one_page_s']} s |")
    print(f"| one page, warm browser (median of {args.repeat}, max) | {results['per_page_s']['median']} s "
          f"({results['per_page_s']['max']} s) |")
    print(f"| one page with the GPC visit, two warm browsers (median of {args.repeat}, max) | "
          f"{results['per_page_gpc_s']['median']} s ({results['per_page_gpc_s']['max']} s) |")
    for workers in (1, 2):
        r = results[f"workers_{workers}"]
        print(f"| {r['pages']} pages, --workers {workers} | {r['seconds']} s, {r['pages_per_minute']} pages/min |")


if __name__ == "__main__":
    main()
