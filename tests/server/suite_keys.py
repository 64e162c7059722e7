"""Signing keys of the server tests' shared app, importable by name (a conftest is not a module to import)."""

SHARED_KEYS = ["server-tests-newest-0123456789abcdef", "server-tests-older-0123456789abcdef"]
