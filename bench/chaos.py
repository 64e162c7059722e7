"""Load with faults: gunicorn keeps answering while its workers are killed, terminated or reloaded.

Run: .venv/bin/python bench/chaos.py [--seconds 30] [--interval 5] [--connections 64] [--workers 2]
                                     [--scenarios baseline,sigkill,sigterm,hup] [--json results.json]
(a scenario such as sigterm+hup alternates its faults)
Loopback only, every run bounded by --seconds. Each scenario gets a fresh gunicorn (gunicorn.conf.py,
demo on) on a free port, 64 client threads sending a mix of GET status (with a token), POST opt-out and
GET notice, and a fault every --interval seconds: SIGKILL or SIGTERM to one worker, or SIGHUP to the master.
A request fails when it gets no answer, a non-2xx answer, or a wrong one (a status that forgot the opt-out).
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The gunicorn driver and the load live with the tests' support code, which run them too.
sys.path.insert(0, str(ROOT / "tests"))

from gunicorn_server import Gunicorn  # noqa: E402,F401  (re-exported for scripts that drive gunicorn)
from gunicorn_server import free_port  # noqa: E402,F401
from gunicorn_server import request  # noqa: E402,F401
from load_faults import SIGNALS  # noqa: E402
from load_faults import run_scenario  # noqa: E402


COLUMNS = ["scenario", "seconds", "faults", "requests", "req_per_s", "ok", "non2xx", "errors", "wrong", "failed",
           "p50_ms", "p99_ms", "respawn_max_s", "ready_max_s", "tracebacks"]


def print_table(results):
    rows = [[str(result.get(column, "")) if result.get(column) != {} else "0" for column in COLUMNS]
            for result in results]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(COLUMNS)]
    print("  ".join(column.ljust(width) for column, width in zip(COLUMNS, widths, strict=False)))
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", default="baseline,sigkill,sigterm,hup")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = {kind for name in scenarios for kind in name.split("+")} - {"baseline", "hup", *SIGNALS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    results = []
    with tempfile.TemporaryDirectory(prefix="chaos-") as log_dir:
        for scenario in scenarios:
            print(f"running {scenario} for {args.seconds:g}s ...", file=sys.stderr, flush=True)
            results.append(run_scenario(scenario, args.seconds, args.interval, args.connections, args.workers,
                                        log_dir=log_dir))
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
