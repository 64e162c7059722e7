"""The consent service: ``create_app()`` builds it.

The factory is imported on first use (PEP 562), so importing a Flask-free part such as
``server.equal_access`` does not load Flask, the console, SQLAlchemy or WeasyPrint.
"""

__all__ = ["create_app"]


def __getattr__(name):
    """Load the factory only when asked for: ``from server import create_app``, gunicorn's 'server:create_app()'."""
    if name == "create_app":
        from server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
