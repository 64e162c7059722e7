"""Moved to server.monitoring.screenshots (the console serves them too); this name stays for existing imports."""

from server.monitoring.screenshots import remove_expired
from server.monitoring.screenshots import screenshot_bytes
from server.monitoring.screenshots import screenshot_rows

__all__ = ["remove_expired", "screenshot_bytes", "screenshot_rows"]
