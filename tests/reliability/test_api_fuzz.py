"""Schemathesis over /openapi.json, in-process against the real app: no 5xx, schema-true answers, JSON refusals."""

import copy
import gzip
from collections import Counter

import brotli
import pytest
import schemathesis
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from reliability_support import RELAXED
from reliability_support import SHIPPED_AGENCIES
from reliability_support import examples
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from server import create_app
from server.tokens import FORM_SALT

FUZZ_KEYS = ["fuzz-key-newest-0123456789abcdef", "fuzz-key-older-0123456789abcdef"]
# Cases per operation, positive and negative data together (HYPOTHESIS_PROFILE=long or CONSENT_FUZZ_EXAMPLES).
EXAMPLES_PER_OPERATION = examples(ci=200, long=1000, variable="CONSENT_FUZZ_EXAMPLES")
CASES = Counter()
STATUSES = Counter()
# requests refuses header values with leading or trailing blanks: strip them.
PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)
# Headers the code reads although the document does not list them: fuzzed too.
EXTRA_HEADERS = st.fixed_dictionaries({}, optional={
    "Origin": st.sampled_from(["http://127.0.0.1:8000", "https://evil.example", "null", "http://localhost"]),
    "Sec-Fetch-Site": st.sampled_from(["same-origin", "same-site", "cross-site", "none", "bogus"]),
    "Accept-Language": PRINTABLE,
    "Accept-Encoding": PRINTABLE,
    "Accept": st.sampled_from(["*/*", "text/html", "application/json", "image/png", ""]),
    "Sec-GPC": st.sampled_from(["1", "0", "1, 1", "yes"]),
    "Cookie": PRINTABLE.map(lambda value: f"consent_optout={value}"),
})

# Missing from the lead's document (reported): the no-JavaScript form's POST, added here so it is fuzzed too.
CHOICES_POST = {
    "summary": "Record the choice from the no-JavaScript form",
    "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["form_token", "choice"],
        "properties": {"form_token": {"type": "string"}, "choice": {"type": "string", "enum": ["opt-out", "opt-in"]}},
    }}}},
    "responses": {
        "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
        **{str(status): {"description": "refused",
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
           for status in (400, 403, 404, 413, 415, 422)},
    },
}


# A schema-valid URL is still refused (422) unless it is on the agency's origins, which no schema can say.
SEMANTIC_422 = {"POST /v1/{agency_id}/equal-access"}
# Missing from the equal-access document (reported): exactly one of url and urls.
ONE_OF_URL = [{"required": ["url"]}, {"required": ["urls"]}]


def _prepare(document, agency_ids):
    """Positive cases name a registered agency (else every one is a 404); negative ones still try others."""
    document = copy.deepcopy(document)
    for item in document["paths"].values():
        for parameter in item.get("parameters", []):
            if parameter.get("name") == "agency_id" and parameter.get("in") == "path":
                parameter["schema"] = {"type": "string", "enum": sorted(agency_ids)}
    choices = document["paths"].get("/v1/{agency_id}/choices")
    if choices is not None and "post" not in choices:
        choices["post"] = CHOICES_POST
    equal_access = document.get("components", {}).get("schemas", {}).get("EqualAccessRequest")
    if equal_access is not None and not {"oneOf", "anyOf", "minProperties"} & set(equal_access):
        equal_access["oneOf"] = ONE_OF_URL
    return document


def _load_schema():
    """The service's own OpenAPI document, served by the real app (built at import: pytest parametrizes then)."""
    app = create_app({"AGENCIES_DIR": str(SHIPPED_AGENCIES), "SECRET_KEYS": list(FUZZ_KEYS), "DEMO": True})
    document = app.test_client().get("/openapi.json").get_json()
    loaded = schemathesis.openapi.from_dict(_prepare(document, app.extensions["registry"].agencies))
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES_PER_OPERATION)
    # An invalid body over the 16 KiB limit is refused for its size first: 413 is a right answer too.
    rejection = loaded.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return app, loaded


class Decoded:
    """WSGI wrapper decoding gzip and brotli bodies, as every HTTP client does before reading JSON."""

    DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}

    def __init__(self, app):
        self.app = app
        self.extensions = app.extensions

    def __call__(self, environ, start_response):
        captured = {}

        def start(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)

        body = b"".join(self.app(environ, start))
        headers = captured["headers"]
        coding = next((value for name, value in headers if name.lower() == "content-encoding"), None)
        if coding in self.DECODERS:
            body = self.DECODERS[coding](body)
            headers = [(name, value) for name, value in headers
                       if name.lower() not in ("content-encoding", "content-length")]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]


FLASK_APP, schema = _load_schema()
APP = Decoded(FLASK_APP)


def _give_valid_form_token(case):
    """Half the positive form posts carry a real form token, so the success path is fuzzed as well."""
    if isinstance(case.body, dict) and "form_token" in case.body:
        agency_id = case.path_parameters.get("agency_id", "")
        case.body = {**case.body, "form_token": APP.extensions["tokens"].issue(agency_id, salt=FORM_SALT)}


@schema.parametrize()
@schema.given(extra_headers=EXTRA_HEADERS, real_form_token=st.booleans())
def test_api_operation(case, extra_headers, real_form_token):
    """Every generated request: no 5xx, documented status and shape, security headers, the one JSON error body."""
    _exercise(case, extra_headers, real_form_token)


def _exercise(case, extra_headers, real_form_token):
    if real_form_token and case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        _give_valid_form_token(case)
    excluded = [positive_data_acceptance] if case.operation.label in SEMANTIC_422 else []
    response = case.call_and_validate(app=APP, headers=extra_headers, excluded_checks=excluded)
    CASES[case.operation.label] += 1
    STATUSES[response.status_code] += 1
    assert response.status_code < 500
    headers = {name.lower(): values[0] for name, values in response.headers.items()}
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers
    assert headers.get("access-control-allow-origin") not in ("*", "null")
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message", "field"}, body


def _fuzz(operation):
    """The same cases test_api_operation gets, for one operation, run here (positive and negative data)."""
    modes = st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    cases = modes.flatmap(lambda mode: operation.as_strategy(generation_mode=mode))

    @settings(max_examples=EXAMPLES_PER_OPERATION, **RELAXED)
    @given(case=cases, extra_headers=EXTRA_HEADERS, real_form_token=st.booleans())
    def run(case, extra_headers, real_form_token):
        _exercise(case, extra_headers, real_form_token)

    run()


# Alone, it runs every property itself: longer than one test's usual limit on a busy machine.
@pytest.mark.timeout(900)
def test_fuzz_reached_every_operation():
    """The figures of the run: cases per operation and statuses seen (the fuzzing runs here if it has not)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        if CASES[operation.label] < EXAMPLES_PER_OPERATION:
            # Run alone (or with test_api_operation deselected): produce the figures instead of skipping.
            _fuzz(operation)
    print(f"\nAPI fuzz: {sum(CASES.values())} cases {dict(CASES)} statuses {dict(sorted(STATUSES.items()))}")
    assert set(CASES) == {operation.label for operation in operations}
    assert not [status for status in STATUSES if status >= 500]
    assert min(CASES.values()) >= EXAMPLES_PER_OPERATION
