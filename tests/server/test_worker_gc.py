"""A gunicorn worker moves its built app out of the cyclic collector's reach, so full collections stay short
(the console's matrix p95 at 600 agencies: bench/RESULTS.md, issue 23)."""

import gc

from server.gunicorn_conf import post_worker_init


def test_after_post_worker_init_a_full_collection_walks_only_what_answers_make(app):
    held = [app, [dict(enumerate(range(50))) for _ in range(20_000)]]  # an app holding much, as at 600 agencies
    gc.collect()
    tracked = len(gc.get_objects())
    try:
        post_worker_init(None)
        assert gc.get_freeze_count() >= tracked
        assert len(gc.get_objects()) < tracked // 100
        answer = [[n] for n in range(1000)]  # what a request makes is collected as before
        assert len(gc.get_objects()) > len(answer)
    finally:
        gc.unfreeze()
    assert held
