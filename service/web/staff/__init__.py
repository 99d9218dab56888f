"""The coordinators' dashboard: server-rendered pages under ``/dashboard``.

Signed in with a coordinator or admin token (kept as its hash in the session cookie and looked
up again on every request, so a revoked token ends the session); every POST carries the
session's CSRF token. Pages call the same plain functions as the API.
"""

from __future__ import annotations

from service.web.staff.views import blueprint

__all__ = ["blueprint"]
