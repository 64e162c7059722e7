"""Enterprise monitoring: agencies' pages checked on schedule by consent-qa's checks, history kept, regressions mailed.

It stands apart from `server` (which never imports QA) and from `extension` (which knows no database):
it uses both. Plain functions do the work (runs.py, record.py, engine.py); the Huey queue (queue.py) and
the `consent-service monitor` commands (cli.py) are thin callers of them.
"""
