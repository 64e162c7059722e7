"""Screenshots of checked pages: files under a folder (default) or blobs in the database, kept for N days.

In the service's package: the worker stores them, the console serves them.
"""

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy import select

from server.db.clock import utcnow
from server.monitoring.models import Screenshot

# consent-qa's names for its two screenshots, and the names a reader of the console understands.
LABELS = {"before": "fresh", "after": "opted-out"}


def screenshot_rows(settings, run_id, page_id, shots):
    """Screenshot rows for one page's PNGs ({qa label: bytes}); files are written before the rows are committed."""
    rows = []
    for qa_label, png in (shots or {}).items():
        if not png:
            continue
        label = LABELS.get(qa_label, qa_label)
        row = Screenshot(run_id=run_id, page_id=page_id, label=label, media_type="image/png")
        if settings.screenshots == "database":
            row.data = png
        else:
            relative = Path(str(run_id), f"{page_id}-{label}.png")
            target = settings.screenshot_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png)
            row.path = relative.as_posix()
        rows.append(row)
    return rows


def screenshot_bytes(settings, row):
    """The PNG of a stored screenshot, wherever it is kept (None when its file is gone)."""
    if row.data is not None:
        return row.data
    path = settings.screenshot_dir / row.path
    return path.read_bytes() if row.path and path.is_file() else None


def remove_expired(db, settings, now=None):
    """Delete screenshots older than the retention period (findings stay); returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=settings.retention_days)
    rows = db.execute(select(Screenshot.id, Screenshot.path, Screenshot.run_id)
                      .where(Screenshot.taken_at < cutoff)).all()
    for _id, path, _run in rows:
        if path:
            (settings.screenshot_dir / path).unlink(missing_ok=True)
    db.execute(delete(Screenshot).where(Screenshot.taken_at < cutoff))
    db.commit()
    for run_id in {run for _id, _path, run in rows}:
        folder = settings.screenshot_dir / str(run_id)
        if folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    return len(rows)
