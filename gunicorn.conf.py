"""Gunicorn settings; runs once in the master before workers fork."""

import logging
import multiprocessing
import os

from server.config import ensure_demo_key

logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")

# A demo key made here is inherited by every forked worker, so a token
# issued by one worker verifies on all of them.
ensure_demo_key(os.environ)

bind = os.environ.get("CONSENT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CONSENT_WORKERS", min(4, multiprocessing.cpu_count() + 1)))
worker_class = os.environ.get("CONSENT_WORKER_CLASS", "sync")
graceful_timeout = 10
# Several instances may run side by side (tests, benchmarks): no shared control socket.
control_socket_disable = True
# Access logs would record visitors' IP addresses: keep them off.
accesslog = None
errorlog = "-"
