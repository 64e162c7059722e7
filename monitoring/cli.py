"""`consent-service monitor run` (now, with a progress bar) and `consent-service monitor worker` (scheduled).

Registered in server.commands.group.COMMANDS by name: only click is imported here, so building the service's
app never loads the QA extension; the commands import the worker's modules when they run.
"""

import logging
import sys

import click

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
REMOTE_HELP = "a W3C WebDriver endpoint (Selenium Grid, chromedriver --port); repeat to spread browsers over several"


def _app_and_settings():
    from server.monitoring.settings import settings_for
    from server.app import create_app
    from server.config import ConfigError

    try:
        app = create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if "database" not in app.extensions:
        # Runs are stored in the console database: the factory mounts it only when one is configured.
        raise click.ClickException("monitoring stores its runs in the console database: set CONSENT_DATABASE_URL "
                                   "(or CONSENT_DEMO=1 for the embedded one)")
    try:
        return app, settings_for(app)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(name="monitor", help="Check agencies' monitored pages against the cookie policy; keep the history.")
def monitor_group():
    """Monitoring commands."""


@monitor_group.command(name="run", help="Check the monitored pages now (every monitored agency, or those named) "
                                        "and store the results. Exit 0: all pass; 1: a clause fails; "
                                        "2: a page could not be checked.")
@click.option("--agency", "agency_ids", multiple=True, metavar="ID", help="only this agency (repeatable)")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="pages checked at once, one browser each")
@click.option("--remote-url", "remote_urls", multiple=True, metavar="URL", help=REMOTE_HELP)
def run_command(agency_ids, workers, remote_urls):
    """Run the checks in this process (no queue needed) with a progress bar on standard error."""
    from monitoring.check import Checker
    from monitoring.engine import UnknownAgency
    from monitoring.engine import monitored
    from monitoring.now import run_now

    from extension.chromium import warn_if_unsandboxed

    warn_if_unsandboxed()
    app, settings = _app_and_settings()
    try:
        agencies = monitored(app, agency_ids)
    except UnknownAgency as error:
        raise click.BadParameter(str(error), param_hint="--agency") from None
    if not agencies:
        raise click.ClickException("no agency file has a [monitoring] table: nothing to check")
    checker = Checker(remote_urls, gpc=settings.gpc)
    try:
        summaries = run_now(app, settings, checker, agencies, workers=workers, progress=_progress)
    finally:
        checker.close()
    for line in summaries["lines"]:
        click.echo(line)
    sys.exit(EXIT_ERROR if summaries["errors"] else EXIT_FAIL if summaries["failures"] else EXIT_PASS)


def _progress(total):
    return click.progressbar(length=total, label="checking pages", file=sys.stderr, show_pos=True)


@monitor_group.command(name="worker", help="Run scheduled checks from the queue (CONSENT_QUEUE_URL) until stopped; "
                                           "start as many as you like, on one machine or many (Redis).")
@click.option("--threads", type=click.IntRange(1, 32), default=1, show_default=True,
              help="pages this worker checks at once, one browser each")
@click.option("--remote-url", "remote_urls", multiple=True, metavar="URL", help=REMOTE_HELP)
def worker_command(threads, remote_urls):
    """A Huey consumer: the minute's tick starts due runs; check tasks run on this worker's browsers."""
    from monitoring.check import Checker
    from monitoring.queue import MonitoringQueue
    from server.logging_privacy import mask_handlers

    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
    # Page URLs and driver errors may carry addresses: the service's masking applies to the worker's log too.
    mask_handlers()
    # Selenium's HTTP client retries a chromedriver that Ctrl-C has already stopped: a screen of noise at exit.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    # WeasyPrint narrates every stylesheet it parses at INFO (the console's PDF styles, loaded with the app), and
    # Alembic its plugins as it is imported: their warnings are enough.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from extension.chromium import warn_if_unsandboxed

    warn_if_unsandboxed()
    app, settings = _app_and_settings()
    checker = Checker(remote_urls, gpc=settings.gpc)
    queue = MonitoringQueue(app, settings, checker)
    _serve_metrics(queue.huey)
    _wait_for_service(settings.public_url)
    # At start, not a minute later: a new agency (the demo in `make run`) is checked at once.
    queue.tick()
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=True,
                                          check_worker_health=True, initial_delay=0.2, max_delay=1.0)
    click.echo(f"monitoring worker: {threads} thread(s), browsers on {checker.describe()}", err=True)
    queue.heartbeat.start()
    try:
        consumer.run()
    finally:
        queue.heartbeat.stop()
        checker.close()


def _serve_metrics(huey):
    """This worker's counters and the queue's depth on CONSENT_MONITOR_METRICS_BIND, when it is set."""
    import os

    from server.core import settings as core_settings

    try:
        bind = core_settings.metrics(os.environ).monitor_bind
    except core_settings.ConfigError as error:
        raise click.ClickException(str(error)) from None
    if bind:
        from monitoring.metrics import serve_worker_metrics

        serve_worker_metrics(bind, huey)
        click.echo(f"monitoring worker: /metrics on {bind}", err=True)


def _wait_for_service(public_url, seconds=60):
    """Before the first check, wait for the service to answer (pages load its banner): `make run` starts both."""
    import time
    import urllib.request

    if not public_url:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{public_url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    click.echo(f"monitoring worker: the service at {public_url} does not answer yet; checking anyway", err=True)
