"""The waiver endpoints are described in /openapi.json, and the document stays valid OpenAPI 3."""

from openapi_spec_validator import validate


def test_the_waiver_endpoints_are_in_the_openapi_document(client):
    document = client.get("/openapi.json").get_json()
    validate(document)
    paths = document["paths"]
    assert set(paths["/console/api/waivers"]) == {"get", "post"}
    for step in ("recommend", "legal-review", "decide", "withdraw"):
        operation = paths[f"/console/api/waivers/{{waiver_id}}/{step}"]["post"]
        assert {"401", "403", "409", "422"} <= set(operation["responses"])
    assert "401" in paths["/console/api/waivers"]["post"]["responses"]
    assert "401" in paths["/v1/{agency_id}/equal-access"]["post"]["responses"]
    public = paths["/v1/{agency_id}/waivers"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert public == {"$ref": "#/components/schemas/PublicWaiverList"}
    request = document["components"]["schemas"]["WaiverRequest"]
    assert {"agency", "clauses", "scope", "no_sensitive_information", "kind", "starts"} <= set(request["required"])
