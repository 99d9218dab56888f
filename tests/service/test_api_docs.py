"""The interactive API documentation at /api/docs: Swagger UI from the app itself, under the
pages' strict content security policy, in a real browser (Debian's Chromium)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
import yaml
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect

from service.api import examples
from service.api.docs import VENDOR_FILES
from service.commands import OPENAPI_PATH as SPEC_PATH
from service.hardening import PAGE_POLICY
from service.schemas import (
    AgreementSchema,
    AnswerSchema,
    CompanySchema,
    EnvironmentSchema,
    OfferSchema,
    PokUpdateSchema,
    PreferencesSchema,
    RoundSchema,
    SchoolSchema,
    SimulateSchema,
    StudentSchema,
    TokenSchema,
    WebhookEndpointSchema,
)
from solver.document import parse_round

from .test_dashboard_browser import (  # noqa: F401  (fixtures)
    browser,
    no_sideways_scroll,
    page,
    server,
)

# Collects every CSP violation the page reports, before any of its scripts runs.
CSP_RECORDER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_docs_page_answers_with_the_page_policy(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "http" not in html.replace("/api/", "")


def test_only_the_pages_own_vendor_files_are_served(client: FlaskClient) -> None:
    for name in VENDOR_FILES:
        assert client.get(f"/api/docs/vendor/{name}").status_code == 200
    assert client.get("/api/docs/vendor/index.html").status_code == 404
    assert client.get("/api/docs/vendor/../../openapi.json").status_code == 404


def test_swagger_ui_renders_every_operation_without_a_csp_violation(
        page: Page, server: str) -> None:  # noqa: F811
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(CSP_RECORDER)
    page.goto(f"{server}/api/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    operations = sum(1 for item in spec["paths"].values() for method in item
                     if method in ("get", "post", "put", "patch", "delete"))
    assert page.locator(".opblock").count() == operations
    # An operation opens to its description and example body.
    page.locator(".opblock-post .opblock-summary-path", has_text="/api/v1/offers").first.click()
    expect(page.locator(".opblock-body .body-param__example, .opblock-body .example")
           .first).to_be_visible()
    assert page.evaluate("window.__violations") == []
    assert [m for m in console if "Content Security Policy" in m] == []


def test_every_request_body_has_an_example() -> None:
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body is not None:
                assert "example" in body["content"]["application/json"], f"{method} {path}"


@pytest.mark.parametrize(("schema", "example"), [
    (SchoolSchema(), examples.SCHOOL), (SchoolSchema(partial=True), examples.SCHOOL_PATCH),
    (CompanySchema(), examples.COMPANY),
    (CompanySchema(partial=True), examples.COMPANY_PATCH),
    (EnvironmentSchema(), examples.ENVIRONMENT),
    (EnvironmentSchema(partial=True), examples.ENVIRONMENT_PATCH),
    (OfferSchema(), examples.OFFER), (OfferSchema(partial=True), examples.OFFER_PATCH),
    (OfferSchema(many=True), examples.OFFERS_IMPORT),
    (StudentSchema(), examples.STUDENT), (StudentSchema(partial=True), examples.STUDENT_PATCH),
    (StudentSchema(many=True), examples.STUDENTS_IMPORT),
    (RoundSchema(), examples.ROUND), (RoundSchema(partial=True), examples.ROUND_PATCH),
    (PreferencesSchema(), examples.PREFERENCES), (SimulateSchema(), examples.SIMULATE),
    (AnswerSchema(), examples.ANSWER), (TokenSchema(), examples.TOKEN),
    (WebhookEndpointSchema(), examples.WEBHOOK),
    (WebhookEndpointSchema(partial=True), examples.WEBHOOK_PATCH),
    (AgreementSchema(), examples.AGREEMENT), (PokUpdateSchema(), examples.POK_COMPANY_PART),
])
def test_each_example_is_valid_input(schema: ma.Schema, example: Any) -> None:
    schema.load(example)  # raises ValidationError naming the field otherwise


def test_the_round_document_example_parses() -> None:
    assert parse_round(examples.ROUND_DOCUMENT).name == "BPV voorjaar 2027"


def test_the_docs_fit_a_phone(browser: Browser, server: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 800})
    phone = context.new_page()
    phone.goto(f"{server}/api/docs")
    expect(phone.locator(".opblock").first).to_be_visible(timeout=20_000)
    phone.locator(".opblock-post .opblock-summary-path", has_text="/api/v1/offers").first.click()
    expect(phone.locator(".opblock-body").first).to_be_visible()
    no_sideways_scroll(phone)
    context.close()
