"""Benchmark of the equal-access checker: comparing two 200 KB pages, and one request against the demo.

Run: .venv/bin/python bench/equal_access.py [--runs 50] [--requests 20]
The first number is the pure comparison (parse, extract and compare both pages) of two pages that
differ only by volatile values and trackers, and of two that differ by one removed paragraph.
The second starts the real app with gunicorn (demo on, demo agency configured for the port used)
and times POST /v1/demo/equal-access for the demo home page, end to end over loopback.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from server.auth.accounts import staff_token_at  # noqa: E402
from server.db.migrate import upgrade_url  # noqa: E402
from server.core.equal_access.compare import compare_documents  # noqa: E402
from server.core.equal_access.rules import Rules  # noqa: E402
from chaos import free_port  # noqa: E402  (bench/ is the script's folder)

TARGET_BYTES = 200 * 1024
RULES = Rules(tracker_prefixes=("https://stats.vendor.example/", "https://agency.example/tracker/"))


def section(index, nonce):
    """One block of realistic content; `nonce` stands for every per-request value."""
    return f"""
<section id="s{index}">
  <h2>Service {index}: licences, permits and registrations</h2>
  <p>Residents can apply for service {index} online or by mail. Processing takes about {index % 9 + 2} weeks;
     fees are listed below and can be paid by card or check. Bring proof of residency and identification.</p>
  <ul><li><a href="/services/{index}/apply?v={nonce}">Apply for service {index}</a></li>
      <li><a href="/files/form-{index}.pdf?_={nonce}">Form {index} (PDF)</a></li>
      <li><a href="/services/{index}/faq">Questions about service {index}</a></li></ul>
  <table><tr><th>Fee</th><td>${index % 50 + 10}.00</td></tr><tr><th>Office</th><td>Room {index}</td></tr></table>
  <img src="/images/service-{index}.jpg" alt="Service {index} counter">
  <form action="/services/{index}/search" method="get"><input type="hidden" name="csrf_token" value="{nonce}">
    <label>Search <input name="q"></label><button>Search</button></form>
  <p class="stamp">Updated 2026-11-23T18:{index % 60:02d}:{int(nonce[:2], 16) % 60:02d}Z, request {uuid.uuid4()}</p>
  <script type="text/plain" data-tracker="analytics" src="https://stats.vendor.example/t.js?n={nonce}"></script>
</section>"""


def page(drop=None):
    """About 200 KB of HTML with fresh volatile values; `drop` removes one section's first paragraph."""
    parts = ["<!doctype html><html lang=en><head><title>Services</title>"
             f"<script nonce='{uuid.uuid4().hex}'>var x=1;</script></head><body>"
             "<div data-consent-notice><p>We use cookies</p></div><main id=content>"]
    index = 0
    while sum(len(part) for part in parts) < TARGET_BYTES:
        block = section(index, uuid.uuid4().hex)
        if index == drop:
            start = block.index("<p>")
            block = block[:start] + block[block.index("</p>", start) + 4:]
        parts.append(block)
        index += 1
    parts.append("</main></body></html>")
    return "".join(parts)


def time_compare(runs):
    """Median and p90 wall milliseconds, and median CPU milliseconds, of compare_documents on 200 KB pages."""
    results = {}
    for label, drop in (("equal pages", None), ("one paragraph removed", 7)):
        timings, cpu = [], []
        for _ in range(runs):
            before, after = page(), page(drop)
            started, started_cpu = time.perf_counter(), time.process_time()
            comparison = compare_documents(before, after, url="https://agency.example/services", rules=RULES)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert comparison.equal is (drop is None), comparison.to_dict()
        results[label] = (len(before), statistics.median(timings), sorted(timings)[int(runs * 0.9) - 1],
                          statistics.median(cpu))
    return results


def wait_until_up(url, deadline=20.0):
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the app did not come up at {url}")


def time_endpoint(requests):
    """Start gunicorn with the demo, then time POST equal-access on the demo home page."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        # The built-in demo agency follows CONSENT_BIND: its origin is this port.
        env = dict(os.environ, CONSENT_DEMO="1", CONSENT_AGENCIES_DIR=folder, CONSENT_BIND=f"127.0.0.1:{port}")
        env.pop("CONSENT_SECRET_KEYS", None)
        # Equal-access is staff-only (role qa): a console database of the run's own, with a token in it.
        env["CONSENT_DATABASE_URL"] = f"sqlite:///{folder}/console.sqlite3"
        upgrade_url(env["CONSENT_DATABASE_URL"])
        bearer = "Bearer " + staff_token_at(env["CONSENT_DATABASE_URL"], "bench-qa", ("qa",))
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=REPO_ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(origin + "/healthz")
            timings = []
            body = json.dumps({"url": origin + "/demo/"}).encode()
            for _ in range(requests):
                request = urllib.request.Request(origin + "/v1/demo/equal-access", data=body,
                                                 headers={"Content-Type": "application/json",
                                                          "Authorization": bearer})
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer = json.load(response)
                timings.append((time.perf_counter() - started) * 1000)
                assert answer["equal"] is True, answer
        finally:
            process.terminate()
            process.wait(timeout=15)
    return statistics.median(timings), sorted(timings)[int(requests * 0.9) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print("## Equal-access checker\n")
    print(f"compare_documents, two ~200 KB pages, {args.runs} runs (parse + extract + compare both):\n")
    print("| pair | page size | median | p90 | median CPU |\n| --- | --- | --- | --- | --- |")
    for label, (size, median, p90, cpu) in time_compare(args.runs).items():
        print(f"| {label} | {size / 1024:.0f} KB | {median:.0f} ms | {p90:.0f} ms | {cpu:.0f} ms |")
    print(f"\n(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    median, p90 = time_endpoint(args.requests)
    print(f"\nPOST /v1/demo/equal-access on /demo/ (gunicorn, demo on, loopback), {args.requests} requests: "
          f"median {median:.0f} ms, p90 {p90:.0f} ms")


if __name__ == "__main__":
    main()
