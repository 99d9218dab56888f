"""Interactive API documentation at ``/api/docs``: Swagger UI over ``/api/openapi.json``.

The assets come from the ``swagger-ui-bundle`` package (installed with the service, served by
the app), never from a CDN, so the page works without internet access. The page obeys the
same strict content security policy as every other page (``hardening.PAGE_POLICY``): no
inline script, so the initializer is a static file (``static/api-docs.js``) that reads the
spec's address from the page's ``data-spec-url``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

from service.hardening import page_policy

blueprint = Blueprint("api_docs", __name__, url_prefix="/api/docs",
                      template_folder="templates", static_folder="static",
                      static_url_path="/static")
# The only vendor files the page loads; anything else in the bundle (source maps, the ES
# builds, the demo index) stays unserved.
VENDOR_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js",
                          "swagger-ui-standalone-preset.js", "favicon-32x32.png"})


@blueprint.get("")
@blueprint.get("/")
def index() -> str:
    return render_template("api_docs/index.html",
                           spec_url=url_for("api-docs.openapi_json"))


@blueprint.get("/vendor/<path:filename>")
def vendor(filename: str) -> Response:
    if filename not in VENDOR_FILES:
        abort(404)
    return send_from_directory(str(swagger_ui_path), filename, max_age=3600)


blueprint.after_request(page_policy)
