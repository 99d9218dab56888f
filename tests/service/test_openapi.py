"""api_spec/openapi.yaml is generated from the code and must not drift from it."""

from __future__ import annotations

import yaml
from flask.testing import FlaskClient

from service.commands import OPENAPI_PATH, openapi_yaml

from .conftest import Factory


def test_the_committed_openapi_document_matches_the_code() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == openapi_yaml(), (
        "api_spec/openapi.yaml is stale: run `leerplek openapi` and commit the result")


def test_every_operation_has_a_summary_and_errors_are_problem_json() -> None:
    spec = yaml.safe_load(openapi_yaml())
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no docstring"
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]


def test_resources_live_under_api_v1() -> None:
    paths = yaml.safe_load(openapi_yaml())["paths"]
    assert {"/healthz", "/readyz"} <= set(paths)
    assert all(p.startswith("/api/v1/") for p in paths if p not in ("/healthz", "/readyz"))


OPEN_TO_EVERY_ROLE = {
    ("get", "/api/v1/schools"), ("get", "/api/v1/schools/{school_id}"),
    ("get", "/api/v1/companies"), ("get", "/api/v1/companies/{company_id}"),
    ("get", "/api/v1/environments"), ("get", "/api/v1/environments/{environment_id}"),
    ("get", "/api/v1/offers"), ("get", "/api/v1/offers/{offer_id}"),
    ("get", "/api/v1/students/{student_id}"),
    ("get", "/api/v1/assignments"), ("get", "/api/v1/assignments/{assignment_id}"),
    ("get", "/api/v1/agreements"), ("get", "/api/v1/agreements/{agreement_id}"),

    # A placement's POK is read by each of its parties, student included.
    ("get", "/api/v1/assignments/{assignment_id}/pok"),
    ("get", "/api/v1/assignments/{assignment_id}/pok/pdf"),
}
# The monitor's open data: no sign-in at all, so neither 401 nor 403 (docs/MONITOR.md).
OPEN_DATA = {("get", "/api/v1/monitor"), ("get", "/api/v1/monitor/agreements")}


def test_every_operation_documents_its_access_errors() -> None:
    paths = yaml.safe_load(openapi_yaml())["paths"]
    for path, item in paths.items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if (method, path) in OPEN_DATA:
                assert not codes & {"401", "403"}, where
                continue
            assert "401" in codes, where
            assert ("404" in codes) == ("{" in path), where
            assert ("403" in codes) == ((method, path) not in OPEN_TO_EVERY_ROLE), where
            assert operation["responses"]["401"] == {
                "$ref": "#/components/responses/UNAUTHORIZED"}, where


def test_the_running_service_serves_its_spec_without_a_token(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["paths"] == yaml.safe_load(openapi_yaml())["paths"]


def test_the_assignments_csv_is_declared_text_csv_beside_the_json(client: FlaskClient,
                                                                 make: Factory) -> None:
    # Issue 12: the CSV the service answers (Accept: text/csv) must be in the document, next
    # to the JSON of the same status.
    spec = yaml.safe_load(openapi_yaml())
    ok = spec["paths"]["/api/v1/rounds/{round_id}/assignments"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "text/csv"}
    assert ok["headers"]["X-Pagination"]
    admin = make.admin()
    rid = client.post("/api/v1/rounds", json={"name": "CSV"}, headers=admin).get_json()["id"]
    served = client.get(f"/api/v1/rounds/{rid}/assignments",
                        headers={**admin, "Accept": "text/csv"})
    assert served.status_code == 200 and served.mimetype in ok["content"]
