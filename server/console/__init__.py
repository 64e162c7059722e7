"""The staff console: JSON API modules (api_*.py) and server-rendered pages (pages_*.py)."""
