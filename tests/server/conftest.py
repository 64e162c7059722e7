"""Helpers shared by the server tests: the one error shape, and HTML read as data rather than text."""

from html.parser import HTMLParser

import pytest

from server import create_app
from suite_keys import SHARED_KEYS

ERROR_KEYS = {"code", "message", "field"}
JSON_TYPE = "application/json; charset=utf-8"


def check_error(response, status, code=None, field=...):
    """Assert the response is DESIGN.md's error body with this status; return its detail."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == JSON_TYPE
    body = response.get_json()
    assert set(body) == {"error"}, body
    detail = body["error"]
    assert set(detail) == ERROR_KEYS, detail
    assert isinstance(detail["code"], str) and detail["code"]
    assert isinstance(detail["message"], str) and detail["message"]
    assert detail["field"] is None or isinstance(detail["field"], str)
    if code is not None:
        assert detail["code"] == code, detail
    if field is not ...:
        assert detail["field"] == field, detail
    return detail


@pytest.fixture
def tokens(app):
    """The app's own token service, to make tokens of other agencies and purposes."""
    return app.extensions["tokens"]


class Page(HTMLParser):
    """The elements of an HTML page, each as (tag, attributes, text inside it)."""

    VOID = {"img", "input", "meta", "link", "br", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self._open = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "parents": [e["tag"] for e in self._open]}
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find_all(self, tag, **attrs):
        """Elements with this tag whose attributes include these (None means: present, any value)."""
        found = []
        for element in self.elements:
            if element["tag"] != tag:
                continue
            if all(key in element["attrs"] and (value is None or element["attrs"][key] == value)
                   for key, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag, **attrs):
        """The single element matching, failing the test if there is not exactly one."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


@pytest.fixture
def page():
    """Parse an HTML body (str or response) into a Page."""

    def parse(source):
        return Page(source if isinstance(source, str) else source.get_data(as_text=True))

    return parse


@pytest.fixture
def api_error():
    """Assert a response is the one JSON error body of DESIGN.md (status, code, field); returns its detail."""
    return check_error


@pytest.fixture(scope="module")
def module_app(agencies_dir):
    """The service (demo on, fixed keys) built once per module, for tests that only send it requests."""
    return create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(SHARED_KEYS), "DEMO": True})


def pytest_configure(config):
    """Register the marker of modules that share one app (tests/conftest.py's `app` reads it)."""
    config.addinivalue_line("markers", "shared_app: the module's tests share module_app (they only send requests)")
