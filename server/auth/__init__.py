"""Staff sign-in, sessions, CSRF and bearer tokens for everything under /console/ (wired by wiring.py)."""
