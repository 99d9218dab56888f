"""The coordinators' dashboard: server-rendered pages under ``/dashboard``.

Signed in with a coordinator or admin token through ``service.web.session`` (its hash in the
session cookie, let in by ``identity.principal_for`` on every request, so a revoked token ends
the session); every POST carries the session's CSRF token. Pages call the same feature
functions as the API, handing them the signed-in principal as the actor.
"""

from __future__ import annotations

from service.web.staff import agreements  # noqa: F401 - registers its pages
from service.web.staff.views import blueprint

__all__ = ["blueprint"]
