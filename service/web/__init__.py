"""The HTML surfaces: one layout, session, CSRF and static files for every role's pages.

A surface (``staff/``, ``signin/``; student and company pages later) is a blueprint of thin
views over the features. What they share lives here: the ``web`` blueprint serves the layout
template (``web/layout.html``) and the static files, and registers the template helpers;
``session`` opens and ends sessions through ``identity`` and checks CSRF; ``page_headers`` sets the
strict content security policy every page gets. The words and formats (filters such as
``moment``) are ``service.texts``, registered on the app.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from markupsafe import Markup, escape

from service.hardening import PAGE_POLICY, page_policy
from service.web.session import CSRF_FIELD, csrf_token

blueprint = Blueprint("web", __name__, url_prefix="/web", template_folder="templates",
                      static_folder="static")


def page_headers(response: Response) -> Response:
    """After every page of every surface: the page policy, and no caching of personal data."""
    page_policy(response)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.app_template_global()
def csrf_field() -> Any:
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">')


__all__ = ["PAGE_POLICY", "blueprint", "page_headers"]
