"""A cap on slow staff work (equal-access checks, PDF statements) shared by every gunicorn worker, so visitors
always find a free worker.

Each slot is a file in the instance's runtime folder; a request holds one with a non-blocking exclusive
flock for as long as it runs. The kernel drops the lock when the holder closes it or dies, so a killed
worker never leaks a slot, and no lock file needs cleaning. gunicorn's settings (server.gunicorn_conf)
make the folder in the master and allow workers - 1 slots: one worker is always left for the public.
"""

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from server.core import settings

EXTENSION_KEY = "capacity"
# Set by server.gunicorn_conf in gunicorn's master, inherited by every worker.
RUNTIME_DIR_VARIABLE = settings.RUNTIME_DIR_VARIABLE
SLOTS_VARIABLE = "CONSENT_EQUAL_ACCESS_SLOTS"
# Outside gunicorn (the test client, a threaded development server) one process serves everything.
DEFAULT_SLOTS = 2


class NoSlotFree(Exception):
    """Every slot is taken: the caller answers 503 with Retry-After instead of waiting."""


class SlotPool:
    """N slot files in one folder; `slot()` takes a free one or raises NoSlotFree at once."""

    def __init__(self, folder, slots):
        self.folder = Path(folder)
        self.slots = slots

    @contextmanager
    def slot(self, cpu_bound=False):
        """Hold one slot for the duration of the block.

        CPU-bound work (a PDF statement) may hold only `cpu_slots` of them, taken from the other end than
        equal-access's (which mostly waits on the network): two PDFs on two cores left visitors' status
        requests waiting 0.2-0.4 s for a core; one at a time kept them within 50 ms.
        """
        indices = range(self.slots)
        if cpu_bound:
            indices = range(self.slots - 1, self.slots - 1 - cpu_slots(self.slots), -1)
        for index in indices:
            descriptor = os.open(self.folder / f"equal-access-{index}.slot", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            try:
                yield index
            finally:
                # Closing the descriptor releases the lock.
                os.close(descriptor)
            return
        raise NoSlotFree()


def cpu_slots(slots):
    """How many slots CPU-bound work may hold at once: one core left for visitors (a one-core machine still gets 1)."""
    return min(slots, max(1, len(os.sched_getaffinity(0)) - 1))


def init_app(app):
    """The pool of this service instance: gunicorn's shared folder, else a private one for this process.

    EQUAL_ACCESS_SLOTS comes from CONSENT_EQUAL_ACCESS_SLOTS through server.config (or a test's override).
    """
    folder = settings.gunicorn(os.environ).runtime_dir or tempfile.mkdtemp(prefix="consent-slots-")
    slots = settings.whole_number(SLOTS_VARIABLE, app.config.get("EQUAL_ACCESS_SLOTS", DEFAULT_SLOTS), 0)
    app.extensions[EXTENSION_KEY] = SlotPool(folder, slots)


def get_pool():
    """The slot pool of the app handling this request."""
    return current_app.extensions[EXTENSION_KEY]
