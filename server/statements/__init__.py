"""Monitoring statements: an agency's record over a period as a page and a PDF, and an ISO's signature on it."""
