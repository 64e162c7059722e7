"""/openapi.json: a valid OpenAPI 3 document that lists every /v1 route and describes real responses."""

import json
import re

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator import validate as validate_instance
from openapi_spec_validator import validate as validate_spec

from server.tokens import FORM_SALT

pytestmark = pytest.mark.shared_app  # these tests only send requests: one app per module

IGNORED_METHODS = {"HEAD", "OPTIONS"}
DEMO_ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def spec(module_app):
    """The document as the service serves it."""
    response = module_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.get_json()


def test_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate_spec(spec)


def test_document_is_stable_between_requests(client, spec):
    assert client.get("/openapi.json").get_json() == spec


def _rule_path(rule):
    """A Flask rule as an OpenAPI path: /v1/<agency_id>/notice -> /v1/{agency_id}/notice."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


def test_every_v1_route_and_method_is_documented(app, spec):
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue
        path = _rule_path(rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            if method.lower() not in spec["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == [], f"routes missing from /openapi.json: {missing}"


def test_documented_paths_exist(app, spec):
    routed = {_rule_path(rule) for rule in app.url_map.iter_rules()}
    assert set(spec["paths"]) <= routed


def test_agency_parameter_is_declared(spec):
    for path, item in spec["paths"].items():
        if "{agency_id}" in path:
            names = {parameter["name"] for parameter in item.get("parameters", [])}
            assert "agency_id" in names, path


def _documented(spec, method, path, status):
    """The JSON schema the document gives for this response, failing if the status is not documented."""
    responses = spec["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} answers {status}, documented: {sorted(responses)}"
    return responses[str(status)]["content"]["application/json"]["schema"]


def _check(spec, schema, body):
    """Validate a body against a schema that may $ref the document's components."""
    validate_instance(body, {**schema, "components": spec["components"]}, cls=OAS30Validator)


def _form_token(app):
    return app.extensions["tokens"].issue("demo", salt=FORM_SALT)


# (name, method, documented path, request path, request options, expected status)
EXCHANGES = [
    ("notice", "GET", "/v1/{agency_id}/notice", "/v1/demo/notice", {}, 200),
    ("notice-es", "GET", "/v1/{agency_id}/notice", "/v1/dor/notice?lang=es", {}, 200),
    ("notice-unknown", "GET", "/v1/{agency_id}/notice", "/v1/nobody/notice", {}, 404),
    ("notice-bad-lang", "GET", "/v1/{agency_id}/notice", "/v1/demo/notice?lang=!!", {}, 422),
    ("opt-out", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out", {"json": {"source": "banner"}}, 200),
    ("opt-out-bad-json", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out",
     {"data": b"{", "content_type": "application/json"}, 400),
    ("opt-out-foreign", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out",
     {"headers": {"Origin": "https://evil.example"}}, 403),
    ("opt-out-unknown", "POST", "/v1/{agency_id}/opt-out", "/v1/nobody/opt-out", {}, 404),
    ("opt-out-too-large", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out",
     {"data": b"{" + b" " * 20000 + b"}", "content_type": "application/json"}, 413),
    ("opt-out-form", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out",
     {"data": b"a=b", "content_type": "application/x-www-form-urlencoded"}, 415),
    ("opt-out-unknown-key", "POST", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out", {"json": {"x": 1}}, 422),
    ("withdraw", "DELETE", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out", {}, 200),
    ("withdraw-foreign", "DELETE", "/v1/{agency_id}/opt-out", "/v1/demo/opt-out",
     {"headers": {"Origin": "https://evil.example"}}, 403),
    ("withdraw-unknown", "DELETE", "/v1/{agency_id}/opt-out", "/v1/nobody/opt-out", {}, 404),
    ("status", "GET", "/v1/{agency_id}/status", "/v1/demo/status", {}, 200),
    ("status-gpc", "GET", "/v1/{agency_id}/status", "/v1/demo/status", {"headers": {"Sec-GPC": "1"}}, 200),
    ("status-unknown", "GET", "/v1/{agency_id}/status", "/v1/nobody/status", {}, 404),
    ("choices-unknown", "GET", "/v1/{agency_id}/choices", "/v1/nobody/choices", {}, 404),
    ("healthz", "GET", "/healthz", "/healthz", {}, 200),
]


@pytest.mark.parametrize("name, method, path, url, options, status", EXCHANGES, ids=[e[0] for e in EXCHANGES])
def test_real_response_matches_its_schema(client, spec, name, method, path, url, options, status):
    response = client.open(url, method=method, **options)
    assert response.status_code == status, response.get_data(as_text=True)
    _check(spec, _documented(spec, method, path, status), response.get_json())


def test_status_with_a_token_matches_its_schema(client, spec):
    token = client.post("/v1/demo/opt-out").get_json()["token"]
    response = client.get("/v1/demo/status", headers={"X-Consent-Token": token})
    body = response.get_json()
    assert body["source"] == "token"
    _check(spec, _documented(spec, "GET", "/v1/{agency_id}/status", 200), body)


def test_choices_page_is_documented_as_html(client, spec):
    response = client.get("/v1/demo/choices")
    assert response.status_code == 200
    content = spec["paths"]["/v1/{agency_id}/choices"]["get"]["responses"]["200"]["content"]
    assert response.mimetype in content


def test_choices_post_is_documented(client, app, spec):
    response = client.post("/v1/demo/choices", data={"form_token": _form_token(app), "choice": "opt-out"})
    assert response.status_code == 200
    operation = spec["paths"]["/v1/{agency_id}/choices"].get("post")
    assert operation is not None, "POST /v1/{agency_id}/choices (the no-JavaScript form) is not documented"
    assert response.mimetype in operation["responses"]["200"]["content"]


def test_schemas_refuse_what_the_service_never_sends(spec):
    status_schema = {"$ref": "#/components/schemas/Status", "components": spec["components"]}
    for bad in ({"opted_out": True, "source": "token"}, {"opted_out": "yes", "source": "token", "token_valid": True},
                {"opted_out": True, "source": "cookie", "token_valid": True},
                {"opted_out": True, "source": "token", "token_valid": True, "extra": 1}):
        errors = list(OAS30Validator(status_schema).iter_errors(bad))
        assert errors, json.dumps(bad)
