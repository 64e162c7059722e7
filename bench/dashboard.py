"""Dashboard at scale: one year of daily history for 500 agencies × 5 pages, on SQLite and on PostgreSQL.

Seeds runs, pages and findings (tests/monitoring/history.py; about 7.3 million findings at full size), then
times the matrix (/console/), an agency page (/console/agencies/ID) and their JSON twins through the real app
(Flask's test client, a bearer token, no network in between). Target (issue 13): p95 ≤ 150 ms for the matrix
and an agency page on both databases. Prints one table; `--json FILE` keeps the numbers.

    .venv/bin/python bench/dashboard.py [--agencies 500] [--days 365] [--pages 5] [--requests 60]
"""

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "monitoring")]

from dashboard_world import agency_text  # noqa: E402
from databases import PostgresCluster  # noqa: E402
from databases import staff_bearer  # noqa: E402
from history import seed  # noqa: E402

from server import create_app  # noqa: E402
from server.db.migrate import upgrade_url  # noqa: E402
from server.db.session import engine_of  # noqa: E402

KEYS = ["bench-dashboard-key-0123456789abcdef"]
SECRETARIATS = ("EOHHS", "EEA", "EOTSS", "EOPSS", "EOED", "EOLWD", "EOE", "EOHLC", "DOT", "ANF")


def write_agencies(folder, count):
    """`count` agency files; their ids."""
    ids = []
    for number in range(count):
        agency_id = f"agency-{number:03d}"
        secretariat = f'secretariat = "{SECRETARIATS[number % len(SECRETARIATS)]}"'
        (folder / f"{agency_id}.toml").write_text(
            agency_text(agency_id, f"Agency {number:03d}", secretariat, ["/", "/a", "/b", "/c", "/d"]))
        ids.append(agency_id)
    return ids


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(client, headers, path, requests):
    """Milliseconds per request after one warm-up; every answer must be a 200."""
    client.get(path, headers=headers)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return {"p50": round(statistics.median(samples), 1), "p95": round(percentile(samples, 0.95), 1),
            "max": round(max(samples), 1), "bytes": len(response.data)}


def measure(kind, url, folder, ids, args):
    """Seed one database and time the pages on it."""
    upgrade_url(url)
    app = create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": KEYS, "DEMO": False, "DATABASE_URL": url})
    gc.freeze()  # as gunicorn's post_worker_init does (server/gunicorn_conf.py): the built app out of GC's reach
    started = time.perf_counter()
    with engine_of(app).begin() as connection:
        seed(connection, ids, days=args.days, pages=args.pages, findings=not args.no_findings,
             progress=lambda done: print(f"\r{kind}: seeded {done}/{len(ids)} agencies", end="", flush=True))
    with engine_of(app).begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    seeded = time.perf_counter() - started
    print(f"\r{kind}: seeded {len(ids)} agencies × {args.pages} pages × {args.days} days in {seeded:.0f} s")
    headers = {"Authorization": staff_bearer(url, "auditor"), "Accept": "text/html"}
    client = app.test_client()
    some = random.Random(1).choice(ids)
    results = {"seconds_to_seed": round(seeded)}
    for label, path in (("matrix /console/", "/console/"), ("matrix, failing only", "/console/?failing=1"),
                        ("agency page", f"/console/agencies/{some}"), ("API agencies", "/console/api/agencies"),
                        ("API agency runs", f"/console/api/agencies/{some}/runs")):
        results[label] = timed(client, headers, path, args.requests)
        print(f"  {label:24} p50 {results[label]['p50']:7.1f} ms  p95 {results[label]['p95']:7.1f} ms  "
              f"({results[label]['bytes']} bytes)")
    engine_of(app).dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-findings", action="store_true", help="seed runs and pages only (faster)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as temporary:
        folder = Path(temporary) / "agencies"
        folder.mkdir()
        ids = write_agencies(folder, args.agencies)
        for kind in args.databases.split(","):
            if kind == "sqlite":
                results[kind] = measure(kind, f"sqlite:///{temporary}/console.sqlite3", folder, ids, args)
            elif kind == "postgresql":
                cluster = PostgresCluster().start()
                try:
                    results[kind] = measure(kind, cluster.create_database("bench_dashboard"), folder, ids, args)
                finally:
                    cluster.stop()
            else:
                raise SystemExit(f"--databases: {kind!r} is not sqlite or postgresql")
    met = all(results[kind][page]["p95"] <= 150 for kind in results for page in ("matrix /console/", "agency page"))
    print(f"target p95 <= 150 ms for the matrix and an agency page: {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
