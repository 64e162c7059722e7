"""A gunicorn worker moves its built app out of the cyclic collector's reach, so full collections stay short
(the console's matrix p95 at 600 agencies: bench/RESULTS.md, issue 23). In a fresh interpreter, as a worker."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import gc, json
from server import create_app
from server.gunicorn_conf import post_worker_init
app = create_app({"AGENCIES_DIR": "agencies", "SECRET_KEYS": ["k" * 32], "DEMO": True})
gc.collect()
tracked = len(gc.get_objects())
post_worker_init(None)
left = len(gc.get_objects())
answer = [[n] for n in range(1000)]  # what an answer makes is collected as before
print(json.dumps({"tracked": tracked, "frozen": gc.get_freeze_count(), "left": left,
                  "after_answer": len(gc.get_objects())}))
"""


def test_after_post_worker_init_a_full_collection_walks_only_what_answers_make():
    done = subprocess.run([sys.executable, "-c", WORKER], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["tracked"] > 50_000  # the app holds much: every rule, schema, template and agency
    assert counts["frozen"] >= counts["tracked"]
    assert counts["left"] < counts["tracked"] // 100
    assert counts["after_answer"] >= counts["left"] + 1000
