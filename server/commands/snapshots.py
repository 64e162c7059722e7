"""The visitor-count snapshots' own process, beside gunicorn's workers: `python -m server.commands.snapshots`.

Started by gunicorn's master once it listens (server/gunicorn_conf.py) and stopped by it with SIGTERM at
shutdown, after which it takes its last snapshot. A process, not a thread of the master: the master stays light
(no SQLAlchemy in the process that forks every worker), and it is never held up by the database.
"""

import logging
import os
import signal
import sys
import threading
import time
import uuid

from server.commands.context import console_app
from server.core import settings
from server.dashboard.visitor_counts import Snapshots
from server.metrics import exposition

# How often it looks whether it was told to stop, or its master is gone (then it stops too).
POLL_SECONDS = 1.0


def run(stopping, every, parent):
    """Snapshot every `every` seconds until stopping is set or the parent process is gone; then the last one."""
    snapshots = Snapshots(console_app(), exposition.agency_totals, str(uuid.uuid4()))
    due = time.monotonic() + every
    while not stopping.is_set() and os.getppid() == parent:
        stopping.wait(min(POLL_SECONDS, max(0.0, due - time.monotonic())))
        if time.monotonic() >= due:
            snapshots.take()
            due += every
    snapshots.take()


def main():
    """Read the period, stop on SIGTERM (Ctrl-C reaches the master, which sends it), run."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        every = settings.metrics(os.environ).snapshot_seconds
    except settings.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    run(stopping, every, os.getppid())
    return 0


if __name__ == "__main__":
    sys.exit(main())
