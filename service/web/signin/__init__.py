"""Sign-in for people, under ``/inloggen``: one-time links and the schools' OpenID Connect.

Both end the same way: ``identity`` mints a session token for the person's role and scope,
``web.session.open_session`` keeps its hash in the session cookie, and the browser goes to
its role's surface (``/student``, ``/bedrijf``, ``/dashboard``), where every page is let in
by ``identity.principal_for``. ``/uitloggen`` ends the session for every surface.
"""

from __future__ import annotations

from flask import Flask

from service.web.signin.views import blueprint, init_oidc

__all__ = ["blueprint", "init_app"]


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    init_oidc(app)
