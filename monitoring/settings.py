"""Moved to server.monitoring.settings (the console reads it too); this name stays for existing imports."""

from server.monitoring.settings import Settings
from server.monitoring.settings import settings_for

__all__ = ["Settings", "settings_for"]
