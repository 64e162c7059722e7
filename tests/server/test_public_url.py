"""Absolute URLs only from CONSENT_PUBLIC_URL, never from the request's Host; the router's redirects are paths."""

import pytest

from server import create_app
from server import config
from server.config import ConfigError
from server.demo_agency import demo_agency_text
from server.core.agency import AgencyConfigError

KEYS = ["public-url-test-key-0123456789abcdef"]
EVIL = {"Host": "evil.example"}


@pytest.fixture(scope="module")
def production(agencies_dir):
    """The service as deployed: demo off, public address configured."""
    return create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False,
                       "PUBLIC_URL": "https://consent.mass.gov/"}).test_client()


@pytest.mark.parametrize("format_", ["json", "text"])
def test_embed_is_built_from_the_public_url_whatever_the_host(production, format_):
    response = production.get(f"/v1/dor/embed?format={format_}", headers=EVIL)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "evil.example" not in text
    text = response.get_json()["snippet"] if format_ == "json" else text
    assert '<script src="https://consent.mass.gov/v1/dor/banner.js"' in text
    assert 'href="https://consent.mass.gov/v1/dor/choices"' in text


def test_embed_without_a_public_url_says_what_to_set(agencies_dir, api_error):
    client = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False}).test_client()
    detail = api_error(client.get("/v1/dor/embed", headers=EVIL), 503, "public_url_not_set")
    assert "CONSENT_PUBLIC_URL" in detail["message"]


@pytest.mark.parametrize("path", ["/v1/dor//banner.js", "//v1/dor/banner.js", "/v1//dor/banner.js"])
def test_doubled_slashes_are_not_redirected_to_the_host(production, path):
    response = production.get(path, headers=EVIL)
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_a_missing_trailing_slash_redirects_to_a_path(agencies_dir):
    client = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True}).test_client()
    response = client.get("/demo?x=1", headers=EVIL)
    assert response.status_code in (301, 308)
    assert response.headers["Location"] == "/demo/?x=1"


def test_demo_public_url_follows_the_bound_address():
    settings = config.from_environment({"CONSENT_DEMO": "1", "CONSENT_BIND": "127.0.0.1:8030"})
    assert settings["PUBLIC_URL"] == "http://127.0.0.1:8030"
    settings = config.from_environment({"CONSENT_DEMO": "1", "CONSENT_BIND": "0.0.0.0:9000",
                                        "CONSENT_PUBLIC_URL": "https://demo.example.gov"})
    assert settings["PUBLIC_URL"] == "https://demo.example.gov"


def test_no_public_url_outside_the_demo_unless_configured():
    assert config.from_environment({"CONSENT_BIND": "127.0.0.1:8030"})["PUBLIC_URL"] is None


@pytest.mark.parametrize("value", ["consent.mass.gov", "https://consent.mass.gov/path", "ftp://consent.mass.gov",
                                   "https://user@consent.mass.gov", "https://consent.mass.gov:99999"])
def test_a_public_url_that_is_not_an_origin_is_refused_in_one_line(value):
    with pytest.raises(ConfigError) as refused:
        config.from_environment({"CONSENT_PUBLIC_URL": value})
    message = str(refused.value)
    assert message.startswith(f'CONSENT_PUBLIC_URL: "{value}" must be an origin') and "\n" not in message


def test_the_demo_agency_follows_the_bound_port(agencies_dir):
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "PUBLIC_URL": "http://127.0.0.1:8030"})
    demo = app.extensions["registry"].agencies["demo"]
    assert demo.origins == ("http://127.0.0.1:8030",)
    assert demo.privacy_policy_url == "http://127.0.0.1:8030/demo/privacy"
    notice = app.test_client().get("/v1/demo/notice").get_json()
    assert "8000" not in str(notice)


def test_a_demo_file_in_the_agencies_folder_is_refused_in_demo_mode(tmp_path):
    (tmp_path / "demo.toml").write_text(demo_agency_text("http://127.0.0.1:8000"), encoding="utf-8")
    with pytest.raises(AgencyConfigError, match="reserved for the built-in demo agency"):
        create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS, "DEMO": True})
