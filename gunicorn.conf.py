"""Gunicorn settings for `gunicorn -c gunicorn.conf.py wsgi:app` in the checkout: the package's own settings.

An installed service uses the same module directly: `gunicorn -c python:server.gunicorn_conf 'server:create_app()'`.
"""

from server.gunicorn_conf import *  # noqa: F403 - gunicorn reads the settings and hooks as this module's names
