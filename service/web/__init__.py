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
from flask_babel import lazy_gettext as _l
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


# What a person reads on an error page, per HTTP status: one wording for every surface; a
# surface passes its own sentence where its situation says more (``status_text``).
STATUS_TEXTS: dict[int, Any] = {
    400: _l("The request was not valid."),
    401: _l("Please sign in first."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist, or it is outside what you may see."),
    405: _l("This page cannot be used like that."),
    409: _l("That is not possible right now. Reload the page to see what has changed."),
    413: _l("What you sent is too large."),
    414: _l("The address is too long."),
    415: _l("What you sent has a format this page does not accept."),
    422: _l("What you filled in is not valid."),
    429: _l("Too many requests in a short time. Please try again in a minute."),
    503: _l("The service cannot be reached for a moment. Please try again later."),
}
UNEXPECTED = _l("Something went wrong on our side. Please try again later.")


def status_text(status: int, own: dict[int, Any] | None = None) -> str:
    """The sentence for ``status``: the surface's ``own`` wording, else the shared one."""
    return str((own or {}).get(status) or STATUS_TEXTS.get(status, UNEXPECTED))
