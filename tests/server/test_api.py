"""The JSON API of an agency through the real app: happy paths, every refusal, and never a 500."""

import json

import pytest

from server.cookies import OPT_OUT_COOKIE
from server.tokens import FORM_SALT

pytestmark = pytest.mark.shared_app  # these tests only send requests: one app per module

JSON_TYPE = "application/json; charset=utf-8"
DEMO_ORIGIN = "http://127.0.0.1:8000"


def opt_out(client, **kwargs):
    """POST an opt-out for the demo agency and return its token."""
    response = client.post("/v1/demo/opt-out", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["token"]


# --- notice -----------------------------------------------------------------------------------------------

def test_notice_lists_the_agency_trackers_and_links(client, app):
    response = client.get("/v1/demo/notice")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    notice = response.get_json()
    agency = app.extensions["registry"].get("demo")
    assert notice["agency"] == {"id": "demo", "name": agency.name}
    assert notice["mode"] == agency.mode
    assert notice["lang"] == "en"
    assert notice["privacy_policy_url"] == agency.privacy_policy_url
    assert notice["terms_url"] == agency.terms_url
    assert notice["choices_url"] == "/v1/demo/choices"
    assert [tracker["id"] for tracker in notice["trackers"]] == [tracker.id for tracker in agency.trackers]
    first = notice["trackers"][0]
    assert first["license_url"] == agency.trackers[0].license_url
    assert first["privacy_url"] == agency.trackers[0].privacy_url
    assert first["cookies"][0]["name"] == agency.trackers[0].cookies[0].name
    assert agency.name in notice["text"]["title"]
    assert "{agency}" not in json.dumps(notice)


def test_notice_has_every_text_key(client):
    text = client.get("/v1/demo/notice").get_json()["text"]
    for key in ("title", "intro", "technologies", "purposes", "opt_out", "accept", "details",
                "privacy_link", "terms_link", "confirm_opted_out", "gpc_honoured", "change_settings"):
        assert isinstance(text.get(key), str) and text[key], key


def test_notice_in_spanish_by_query(client):
    english = client.get("/v1/demo/notice").get_json()
    spanish = client.get("/v1/demo/notice?lang=es").get_json()
    assert spanish["lang"] == "es"
    assert spanish["text"]["opt_out"] != english["text"]["opt_out"]
    assert spanish["trackers"] == english["trackers"]


@pytest.mark.parametrize("header, lang", [("es-MX,es;q=0.9,en;q=0.5", "es"), ("fr-FR,es;q=0.8", "es"),
                                          ("en-US,es;q=0.5", "en"), ("de", "en"), ("", "en")])
def test_notice_language_from_accept_language(client, header, lang):
    response = client.get("/v1/demo/notice", headers={"Accept-Language": header} if header else {})
    assert response.get_json()["lang"] == lang
    assert "Accept-Language" in response.headers["Vary"]


def test_query_language_wins_over_accept_language(client):
    response = client.get("/v1/demo/notice?lang=en", headers={"Accept-Language": "es"})
    assert response.get_json()["lang"] == "en"


def test_unsupported_but_well_formed_language_falls_back_to_english(client):
    assert client.get("/v1/demo/notice?lang=fr").get_json()["lang"] == "en"


def test_agency_text_override_is_used(client):
    text = client.get("/v1/dor/notice").get_json()["text"]
    assert text["intro"].startswith("The Department of Revenue")


def test_notice_ignores_unrelated_query_parameters(client):
    assert client.get("/v1/demo/notice?utm_source=x&_=123").status_code == 200


@pytest.mark.parametrize("lang", ["e", "english-language-tag-too-long-for-this", "es!", "<script>", "12", "es_MX",
                                  "x" * 36])
def test_bad_language_is_422_naming_lang(client, api_error, lang):
    api_error(client.get("/v1/demo/notice", query_string={"lang": lang}), 422, "invalid", "lang")


def test_notice_is_cacheable(client):
    assert "max-age" in client.get("/v1/demo/notice").headers["Cache-Control"]


# --- opt-out ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"json": {}}, {"json": {"source": "banner"}}, {"json": {"source": "gpc"}},
                                    {"json": {"source": "api"}}, {"data": b"", "content_type": "application/json"}],
                         ids=["no-body", "empty-object", "banner", "gpc", "api", "empty-json-body"])
def test_opt_out_issues_a_valid_token(client, tokens, kwargs):
    response = client.post("/v1/demo/opt-out", **kwargs)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    body = response.get_json()
    assert set(body) == {"opted_out", "token"}
    assert body["opted_out"] is True
    assert tokens.verify(body["token"], "demo").valid
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_opt_out_from_the_agency_origin_is_allowed(client):
    response = client.post("/v1/demo/opt-out", json={"source": "banner"}, headers={"Origin": DEMO_ORIGIN})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == DEMO_ORIGIN


@pytest.mark.parametrize("body, field", [
    ({"sauce": "banner"}, "sauce"),
    ({"source": "banner", "token": "x"}, "token"),
    ({"source": "newsletter"}, "source"),
    ({"source": 5}, "source"),
    ({"source": None}, "source"),
    ({"source": ["banner"]}, "source"),
    ({"source": {"banner": True}}, "source"),
])
def test_opt_out_body_errors_name_the_field(client, api_error, body, field):
    detail = api_error(client.post("/v1/demo/opt-out", json=body), 422, "invalid", field)
    assert field in detail["message"]


@pytest.mark.parametrize("body", [[], ["source"], "banner", 5, True, None])
def test_opt_out_body_must_be_an_object(client, api_error, body):
    response = client.post("/v1/demo/opt-out", data=json.dumps(body), content_type="application/json")
    api_error(response, 422, "invalid")


@pytest.mark.parametrize("raw", [b"{", b"{'source': 'banner'}", b"source=banner", b"\xff\xfe", b"{\"source\": }"])
def test_invalid_json_is_400(client, api_error, raw):
    api_error(client.post("/v1/demo/opt-out", data=raw, content_type="application/json"), 400, "invalid_json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_non_json_content_type_is_415(client, api_error, content_type):
    response = client.post("/v1/demo/opt-out", data=b'{"source": "banner"}', content_type=content_type)
    api_error(response, 415, "unsupported_media_type", "Content-Type")


def test_body_over_16_kib_is_413(client, api_error):
    body = json.dumps({"source": "banner", "pad": "x" * (16 * 1024)})
    api_error(client.post("/v1/demo/opt-out", data=body, content_type="application/json"), 413, "body_too_large")


def test_body_of_exactly_16_kib_is_read(client):
    body = '{"source": "banner"}'.ljust(16 * 1024)
    response = client.post("/v1/demo/opt-out", data=body, content_type="application/json")
    assert response.status_code == 200


def test_withdraw(client):
    response = client.delete("/v1/demo/opt-out")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json() == {"opted_out": False}
    assert response.headers["Cache-Control"] == "no-store"


# --- status -----------------------------------------------------------------------------------------------

def test_status_without_anything_is_none(client):
    response = client.get("/v1/demo/status")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json() == {"opted_out": False, "source": "none", "token_valid": False}
    assert response.headers["Cache-Control"] == "no-store"
    for header in ("Cookie", "X-Consent-Token", "Sec-GPC"):
        assert header in response.headers["Vary"]


def test_status_via_cookie(client):
    client.set_cookie(OPT_OUT_COOKIE, opt_out(client))
    assert client.get("/v1/demo/status").get_json() == {"opted_out": True, "source": "token", "token_valid": True}


def test_status_via_header(client):
    response = client.get("/v1/demo/status", headers={"X-Consent-Token": opt_out(client)})
    assert response.get_json() == {"opted_out": True, "source": "token", "token_valid": True}


@pytest.mark.parametrize("value, expected", [("1", "gpc"), (" 1 ", "gpc"), ("0", "none"), ("", "none"),
                                             ("true", "none")])
def test_status_with_gpc(client, value, expected):
    body = client.get("/v1/demo/status", headers={"Sec-GPC": value}).get_json()
    assert body == {"opted_out": expected == "gpc", "source": expected, "token_valid": False}


def test_valid_token_wins_over_gpc(client):
    body = client.get("/v1/demo/status", headers={"Sec-GPC": "1", "X-Consent-Token": opt_out(client)}).get_json()
    assert body == {"opted_out": True, "source": "token", "token_valid": True}


def test_bad_token_with_gpc_still_counts_as_opted_out(client):
    body = client.get("/v1/demo/status", headers={"Sec-GPC": "1", "X-Consent-Token": "junk"}).get_json()
    assert body == {"opted_out": True, "source": "gpc", "token_valid": False}


def _tampered(token):
    index = len(token) // 2
    return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1:]


@pytest.mark.parametrize("make", [
    lambda tokens, token: tokens.issue("dor"),
    lambda tokens, token: _tampered(token),
    lambda tokens, token: token[:-1],
    lambda tokens, token: tokens.issue("demo", salt=FORM_SALT),
    lambda tokens, token: token.split(".")[0],
    lambda tokens, token: "x" * 3000,
    lambda tokens, token: "not a token; really",
], ids=["other-agency", "tampered", "truncated", "form-token", "unsigned", "huge", "junk"])
@pytest.mark.parametrize("via", ["cookie", "header"])
def test_status_with_a_bad_token_is_not_opted_out(client, tokens, make, via):
    bad = make(tokens, opt_out(client))
    if via == "cookie":
        client.set_cookie(OPT_OUT_COOKIE, bad)
        response = client.get("/v1/demo/status")
    else:
        response = client.get("/v1/demo/status", headers={"X-Consent-Token": bad})
    assert response.status_code == 200
    assert response.get_json() == {"opted_out": False, "source": "none", "token_valid": False}


def test_token_of_one_agency_is_valid_only_there(client):
    token = client.post("/v1/dor/opt-out").get_json()["token"]
    assert client.get("/v1/dor/status", headers={"X-Consent-Token": token}).get_json()["token_valid"] is True
    assert client.get("/v1/demo/status", headers={"X-Consent-Token": token}).get_json()["token_valid"] is False


# --- meta ---------------------------------------------------------------------------------------------------

def test_healthz(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.get_json() == {"status": "ok", "agencies": len(app.extensions["registry"].agencies)}


def test_gpc_statement(client):
    response = client.get("/.well-known/gpc.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    body = response.get_json()
    assert body["gpc"] is True
    assert len(body["lastUpdate"]) == 10


# --- errors -------------------------------------------------------------------------------------------------

AGENCY_ENDPOINTS = [("get", "notice"), ("post", "opt-out"), ("delete", "opt-out"), ("get", "status"),
                    ("get", "choices"), ("post", "choices")]


@pytest.mark.parametrize("method, endpoint", AGENCY_ENDPOINTS)
@pytest.mark.parametrize("agency", ["nobody", "DEMO", "demo-", "x" * 80, "d%C3%A9mo"])
def test_unknown_agency_is_404(client, api_error, method, endpoint, agency):
    response = getattr(client, method)(f"/v1/{agency}/{endpoint}")
    api_error(response, 404, "unknown_agency", "agency")


WRONG_METHODS = [
    ("put", "/v1/demo/opt-out", {"DELETE", "POST"}),
    ("patch", "/v1/demo/opt-out", {"DELETE", "POST"}),
    ("get", "/v1/demo/opt-out", {"DELETE", "POST"}),
    ("post", "/v1/demo/notice", {"GET"}),
    ("delete", "/v1/demo/status", {"GET"}),
    ("post", "/v1/demo/status", {"GET"}),
    ("delete", "/v1/demo/choices", {"GET", "POST"}),
    ("post", "/healthz", {"GET"}),
    ("post", "/openapi.json", {"GET"}),
    ("put", "/.well-known/gpc.json", {"GET"}),
    ("put", "/v1/nobody/opt-out", {"DELETE", "POST"}),
]


@pytest.mark.parametrize("method, path, allowed", WRONG_METHODS)
def test_wrong_method_is_405_with_allow(client, api_error, method, path, allowed):
    response = getattr(client, method)(path)
    api_error(response, 405, "method_not_allowed")
    listed = {name.strip() for name in response.headers["Allow"].split(",")}
    assert allowed <= listed
    assert method.upper() not in listed


@pytest.mark.parametrize("path", ["/", "/v1", "/v1/demo", "/v1/demo/", "/v1/demo/nothing", "/v2/demo/notice",
                                  "/v1/demo/notice/extra"])
def test_unknown_path_is_404(client, api_error, path):
    api_error(client.get(path), 404)


ODD_REQUESTS = [
    ("get", "/v1/demo/notice", {"query_string": {"lang": "\u0000"}}),
    ("get", "/v1/demo/notice", {"query_string": "lang=%ff%fe"}),
    ("get", "/v1/demo/notice", {"query_string": "lang=es&lang=en"}),
    ("get", "/v1/demo/notice", {"headers": {"Accept-Language": "\u00e9;q=x, *;q=-1, ,,;"}}),
    ("get", "/v1/demo/status", {"headers": {"X-Consent-Token": "\u00e9" * 100}}),
    ("get", "/v1/demo/status", {"headers": {"Cookie": "consent_optout=\"\\\"; consent_optout=%ff"}}),
    ("get", "/v1/demo/status", {"headers": {"Sec-GPC": "1" * 1000}}),
    ("post", "/v1/demo/opt-out", {"data": b"\x00" * 100, "content_type": "application/json"}),
    ("post", "/v1/demo/opt-out", {"data": b'{"source": "banner"}',
                                  "content_type": "application/json; charset=latin-9"}),
    ("post", "/v1/demo/opt-out", {"data": b'{"source": "banner"}', "content_type": "application/json",
                                  "headers": {"Content-Encoding": "gzip"}}),
    ("post", "/v1/demo/opt-out", {"data": b"[" * 5000 + b"]" * 5000, "content_type": "application/json"}),
    ("post", "/v1/demo/opt-out", {"data": b'{"source": "\\ud800"}', "content_type": "application/json"}),
    ("post", "/v1/demo/opt-out", {"data": b'{"source": "banner", "source": 1}', "content_type": "application/json"}),
    ("post", "/v1/demo/opt-out", {"data": b"1e999999", "content_type": "application/json"}),
    ("post", "/v1/demo/opt-out", {"data": b'{"a": NaN}', "content_type": "application/json"}),
    ("post", "/v1/demo/choices", {"data": {"form_token": "\u00e9" * 10, "choice": "opt-out"}}),
    ("post", "/v1/demo/choices", {"data": b"\xff\xfe", "content_type": "application/json"}),
    ("get", "/v1/%00/notice", {}),
    ("get", "/v1/demo/choices", {"query_string": {"lang": "x" * 5000}}),
]


ODD_IDS = ["nul-lang", "bad-utf8-lang", "two-langs", "garbled-accept-language", "non-ascii-token-header",
           "garbled-cookie", "long-gpc", "nul-body", "unknown-charset", "claims-gzip", "deeply-nested-json",
           "lone-surrogate", "duplicate-key", "huge-number", "nan", "non-ascii-form-token", "json-to-choices",
           "nul-agency", "huge-lang-on-choices"]


@pytest.mark.parametrize("method, path, kwargs", ODD_REQUESTS, ids=ODD_IDS)
def test_odd_input_never_gives_a_500(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        body = response.get_json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
