"""The service's gunicorn settings, in the package: `gunicorn -c python:server.gunicorn_conf 'server:create_app()'`.

Runs in gunicorn's master. Before any worker forks it checks the configuration once (one line and exit 1
on a problem, not a traceback per worker), shares one demo key, and makes the runtime folder whose slot
files cap equal-access at workers - 1 (server/capacity.py). The checkout's gunicorn.conf.py is this module.
"""

import gc
import logging
import os
import shutil
import subprocess
import sys
import tempfile

from server import capacity
from server.config import ensure_demo_key
from server.core import settings
from server.logging_privacy import mask_handlers

logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
mask_handlers()
# WeasyPrint narrates every stylesheet it parses at INFO (each statement PDF), and Alembic its plugins as it is
# imported (before server/db/migrate.py can quiet it): their warnings are enough.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("alembic").setLevel(logging.WARNING)


def _read_or_exit():
    """The Gunicorn group, after making the demo key (one line and exit 1 on a bad value: gunicorn reads this file
    before it has a logger, and would print a traceback)."""
    try:
        # A demo key made here is inherited by every forked worker, so a token
        # issued by one worker verifies on all of them.
        ensure_demo_key(os.environ)
        return settings.gunicorn(os.environ)
    except settings.ConfigError as error:
        print(error, file=sys.stderr)
        sys.exit(1)


_settings = _read_or_exit()
bind = _settings.bind
workers = _settings.workers
worker_class = _settings.worker_class
graceful_timeout = 10
# Several instances may run side by side (tests, benchmarks): no shared control socket.
control_socket_disable = True
# Access logs would record visitors' IP addresses: keep them off; and mask any address gunicorn writes itself.
accesslog = None
errorlog = "-"
logger_class = "server.logging_privacy.AddressFreeLogger"
# prometheus_client's own variable; the master's metrics listener, snapshot thread and the folder it made.
METRICS_FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_metrics_listener = None
_snapshots = None
_metrics_folder_made = None
SNAPSHOT_STOP_SECONDS = 15


def on_starting(server):
    """Master, before binding and forking: check the configuration, then prepare the shared slot folder."""
    # Before anything imports prometheus_client: it picks per-process counting files when it is first imported.
    _prepare_metrics_folder()
    # The demo agency follows the address actually bound, including one given with -b on the command line.
    os.environ["CONSENT_BIND"] = server.cfg.bind[0]
    from server.commands.check_config import startup_problems

    problems = startup_problems(os.environ)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        sys.exit(1)
    folder = tempfile.mkdtemp(prefix="consent-service-")
    os.environ[capacity.RUNTIME_DIR_VARIABLE] = folder
    # Never every worker: one is always left for banner.js, opt-out and status.
    most = max(0, server.cfg.workers - 1)
    wanted = settings.gunicorn(os.environ).equal_access_slots
    os.environ[capacity.SLOTS_VARIABLE] = str(most if wanted is None else min(wanted, most))
    server.log.info("equal-access: at most %s check(s) at once with %s workers", os.environ[capacity.SLOTS_VARIABLE],
                    server.cfg.workers)


def when_ready(server):
    """Master, listening: the metrics listener (CONSENT_METRICS_BIND) and the visitor-count snapshots start."""
    global _metrics_listener, _snapshots
    wanted = settings.metrics(os.environ)
    if wanted.bind:
        from server.metrics import exposition
        from server.metrics.listener import serve

        _metrics_listener = serve(wanted.bind, exposition.collecting_registry())
        server.log.info("metrics: /metrics on %s without a token", wanted.bind)
    _snapshots = _start_snapshots(server)


def post_worker_init(worker):
    """Worker, its app built: what the app holds is moved out of the collector's reach (gc.freeze).

    The app keeps every agency's notice, schemas and compiled rules for its whole life; without this, each full
    collection walks them all again: about 130 ms, once in ten matrix pages of the console at 600 agencies
    (bench/RESULTS.md, issue 23). Objects made while answering are collected as before.
    """
    gc.freeze()


def child_exit(server, worker):
    """Master, after a worker exits: its live gauges go; its counts stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _prepare_metrics_folder():
    """The folder every worker counts in: the operator's PROMETHEUS_MULTIPROC_DIR emptied, or a new one."""
    global _metrics_folder_made
    folder = settings.multiprocess_dir(os.environ)
    if folder is None:
        _metrics_folder_made = tempfile.mkdtemp(prefix="consent-metrics-")
        os.environ[METRICS_FOLDER_VARIABLE] = _metrics_folder_made
        return
    folder.mkdir(parents=True, exist_ok=True)
    # Counts of an earlier instance would be summed into this one's.
    for stale in folder.glob("*.db"):
        stale.unlink()


def _start_snapshots(server):
    """The visitor-count snapshots' process, when the service has a console database (else None)."""
    from server import config
    from server.staff import switch

    if not switch.console_wanted(config.from_environment()):
        return None
    server.log.info("metrics: visitor counts stored every %s s", settings.metrics(os.environ).snapshot_seconds)
    return subprocess.Popen([sys.executable, "-m", "server.commands.snapshots"], env=os.environ.copy())


def on_exit(server):
    """Master, at shutdown: the last visitor counts are stored; the slot and metrics folders go with the instance."""
    if _snapshots is not None:
        # It takes its last snapshot on SIGTERM: nothing counted since the previous one is lost.
        _snapshots.terminate()
        try:
            _snapshots.wait(timeout=SNAPSHOT_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            _snapshots.kill()
    if _metrics_listener is not None:
        _metrics_listener.shutdown()
    if _metrics_folder_made:
        shutil.rmtree(_metrics_folder_made, ignore_errors=True)
    folder = settings.gunicorn(os.environ).runtime_dir
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
