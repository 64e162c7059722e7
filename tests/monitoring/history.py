"""Seeded monitoring history (runs, pages, findings) for dashboard tests and bench/dashboard.py.

Written with bulk inserts (COPY on PostgreSQL) so a year of daily runs for hundreds of agencies takes
minutes, not hours; the verdicts follow a seeded pattern: most clauses pass, some fail for a stretch of days
(a regression, then its fix), some are waived.
"""

import json
import random
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun

CLAUSES = ("1.3.1", "1.3.2", "1.3.3", "1.3.3-gpc", "equal-access", "2.1", "2.2", "2.5")
BATCH = 20_000


def _stretches(rng, days):
    """{clause: (first day, last day, verdict)}: the days a clause does not pass on one page."""
    plan = {}
    for clause in rng.sample(CLAUSES, rng.randint(0, 2)):
        first = rng.randrange(days)
        plan[clause] = (first, min(days - 1, first + rng.randint(3, 60)), rng.choice(("fail", "fail", "waived")))
    return plan


def _verdict(plan, clause, day):
    stretch = plan.get(clause)
    return stretch[2] if stretch and stretch[0] <= day <= stretch[1] else "pass"


def _next_id(connection, model):
    return (connection.scalar(select(func.max(model.id))) or 0) + 1


def _write(connection, model, rows):
    """Insert rows (dicts with the same keys): COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[column]) if isinstance(row[column], dict) else row[column]
                                for column in columns])
        return
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(model), rows[start:start + BATCH])


def _fix_sequences(connection):
    """After explicit ids, PostgreSQL's sequences must move past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("monitoring_runs", "monitored_pages", "findings"):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")


def seed(connection, agency_ids, *, days, pages=5, end=None, seed_value=13, findings=True, progress=None):
    """Daily finished runs for each agency up to `end` (default now): runs, pages and (optionally) findings."""
    end = end or datetime.utcnow().replace(microsecond=0)
    run_id, page_id, finding_id = (_next_id(connection, model) for model in (MonitoringRun, MonitoredPage, Finding))
    for number, agency_id in enumerate(agency_ids):
        rng = random.Random(f"{seed_value}:{agency_id}")
        plans = [_stretches(rng, days) for _page in range(pages)]
        urls = [f"https://{agency_id}.example/page-{index}" for index in range(pages)]
        runs, page_rows, finding_rows = [], [], []
        for day in range(days):
            started = end - timedelta(days=days - day, minutes=-(number % 600))
            worst = {clause: "pass" for clause in CLAUSES}
            for index, url in enumerate(urls):
                checked = started + timedelta(seconds=20 * (index + 1))
                page_rows.append({"id": page_id, "run_id": run_id, "url": url, "state": "done", "attempts": 1,
                                  "checked_at": checked, "seconds": 3.2})
                for clause in CLAUSES:
                    verdict = _verdict(plans[index], clause, day)
                    if verdict == "fail" or (verdict == "waived" and worst[clause] == "pass"):
                        worst[clause] = verdict
                    if findings:
                        finding_rows.append({"id": finding_id, "page_id": page_id, "run_id": run_id,
                                             "agency_id": agency_id, "url": url, "checked_at": checked,
                                             "clause": clause, "verdict": verdict,
                                             "reason": "seeded " + verdict, "evidence": None})
                        finding_id += 1
                page_id += 1
            runs.append({"id": run_id, "key": f"seed:{agency_id}:{day}", "agency_id": agency_id,
                         "trigger": "schedule", "state": "done", "started_at": started,
                         "finished_at": started + timedelta(minutes=2), "pages_total": pages, "pages_failed": 0,
                         "verdicts": worst, "browser": "local"})
            run_id += 1
        _write(connection, MonitoringRun, runs)
        _write(connection, MonitoredPage, page_rows)
        _write(connection, Finding, finding_rows)
        if progress:
            progress(number + 1)
    _fix_sequences(connection)
