"""The staff half's equal-access check: fetch a page as two visitors (server-side, vetted), compare with the core.

The comparison itself is `server.core.equal_access`; here are the guard, the fetcher, the check and the view.
"""
