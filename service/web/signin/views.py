"""Sign-in pages: thin views over ``identity.links`` and ``identity.sessions``."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_babel import gettext as _
from requests import RequestException
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError

from service import texts
from service.errors import Problem
from service.extensions import db
from service.identity.links import find_link, use_link
from service.identity.sessions import oidc_person, start_session
from service.identity.throttling import count_auth_failure, refuse_if_failing_auth
from service.models import Role, School
from service.web import page_headers
from service.web.session import CSRF_FIELD, csrf_valid, open_session, sign_out

log = logging.getLogger(__name__)
blueprint = Blueprint("signin", __name__, template_folder="templates")
blueprint.after_request(page_headers)
SURFACE = "signin"
# Where each role's pages are once signed in (the surfaces' own blueprints own them).
HOMES = {Role.STUDENT: "/student/", Role.COMPANY: "/bedrijf", Role.COORDINATOR: "/dashboard",
         Role.ADMIN: "/dashboard"}
OAUTH = "authlib.integrations.flask_client"


class Refused(Exception):
    """A sign-in that did not work, with the status and the sentence for the person."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None
                 ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@blueprint.errorhandler(Refused)
def refused(exc: Refused) -> ResponseReturnValue:
    return render_template("signin/refused.html", message=exc.message), exc.status, exc.headers


@blueprint.errorhandler(OperationalError)
@blueprint.errorhandler(InterfaceError)
def database_down(exc: Exception) -> ResponseReturnValue:
    """The database unreachable: a Dutch page (503), as the dashboard answers."""
    db.session.rollback()
    log.warning("sign-in page without database: %s", exc)
    return render_template("signin/refused.html", message=_(
        "The service cannot be reached for a moment. Please try again later.")), 503


def _too_many(exc: Problem) -> Refused:
    wait = exc.headers.get("Retry-After", "60")
    return Refused(429, _("Too many failed sign-ins from this address. Try again in "
                          "%(wait)s seconds.", wait=wait), {"Retry-After": wait})


@blueprint.before_request
def csrf_check() -> ResponseReturnValue | None:
    """Every form of the sign-in pages carries the session's CSRF secret."""
    if request.method == "POST" and not csrf_valid(request.form.get(CSRF_FIELD)):
        raise Refused(400, _("The form has expired or is not valid. Reload the page and try "
                             "again."))
    return None


def _lifetime() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def _home(role: str) -> str:
    return HOMES[Role(role)]


# The start page ------------------------------------------------------------------------------

class Start(MethodView):
    def get(self) -> str:
        """How to sign in: the schools that sign in through their own account, and links."""
        ids = [int(k) for k in current_app.config["OIDC_PROVIDERS"] if k.isdigit()]
        schools = db.session.scalars(select(School).where(School.id.in_(ids))
                                     .order_by(School.name)).all() if ids else []
        return render_template("signin/start.html", schools=schools)


# One-time links ------------------------------------------------------------------------------

def _link_refused() -> Refused:
    return Refused(401, _("This sign-in link is unknown, has already been used or has "
                          "expired. Ask your school or coordinator for a new one."))


class Link(MethodView):
    def get(self, secret: str) -> ResponseReturnValue:
        """The link's page: a button, so that opening the link alone does not use it."""
        try:
            row = find_link(db.session, secret)
            db.session.commit()  # nothing written but the throttle's count; end the read
        except Problem as exc:
            raise _too_many(exc) from None
        if row is None:
            raise _link_refused()
        return render_template("signin/link.html", role=texts.label(texts.ROLES, row.role),
                               secret=secret)

    def post(self, secret: str) -> ResponseReturnValue:
        """Use the link: the person's session starts, on their role's pages."""
        try:
            with db.transaction() as session:
                token = use_link(session, secret, _lifetime(), SURFACE)
                token_hash, role = token.token_hash, token.role
        except Problem as exc:
            if exc.status == 429:
                raise _too_many(exc) from None
            raise _link_refused() from None
        open_session(token_hash)
        return redirect(_home(role))


# OpenID Connect ------------------------------------------------------------------------------

def init_oidc(app: Flask) -> None:
    """One Authlib client per configured school: PKCE (S256), state and nonce on every
    sign-in; the provider's endpoints and keys from its discovery document."""
    oauth = OAuth(app)
    # Keyed by school id as text, whether the JSON or a dict of ints configured it.
    providers = {str(k): v for k, v in app.config["OIDC_PROVIDERS"].items()}
    app.config["OIDC_PROVIDERS"] = providers
    for key, conf in providers.items():
        oauth.register(
            name=f"school-{key}", client_id=conf["client_id"],
            client_secret=conf.get("client_secret"),
            server_metadata_url=conf["issuer"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": conf.get("scope", "openid"),
                           "code_challenge_method": "S256"})


def _provider(school_id: int) -> tuple[Any, dict[str, Any]]:
    """The school's Authlib client and configuration; 404 for a school without one."""
    conf = current_app.config["OIDC_PROVIDERS"].get(str(school_id))
    if conf is None or db.session.get(School, school_id) is None:
        raise Refused(404, _("This school does not sign in through its own account here."))
    return current_app.extensions[OAUTH].create_client(f"school-{school_id}"), conf


class SchoolStart(MethodView):
    def get(self, school_id: int) -> ResponseReturnValue:
        """Off to the school's provider (with state, nonce and the PKCE challenge)."""
        client, _conf = _provider(school_id)
        try:
            refuse_if_failing_auth()
        except Problem as exc:
            raise _too_many(exc) from None
        try:
            response: ResponseReturnValue = client.authorize_redirect(
                url_for("signin.school_return", school_id=school_id, _external=True))
        except RequestException:
            log.warning("OpenID provider of school %s unreachable", school_id)
            raise Refused(503, _("Your school's sign-in service cannot be reached right "
                                 "now. Please try again later.")) from None
        return response


class SchoolReturn(MethodView):
    def get(self, school_id: int) -> ResponseReturnValue:
        """Back from the provider: check state, code (PKCE) and the ID token's nonce, then
        find the person: a coordinator by the school's coordinator claim, or the student
        whose number the configured claim carries."""
        client, conf = _provider(school_id)
        try:
            refuse_if_failing_auth()
            token = client.authorize_access_token()
        except Problem as exc:
            raise _too_many(exc) from None
        except OAuthError:
            count_auth_failure()
            raise Refused(400, _("Signing in through your school did not work. Please "
                                 "start again.")) from None
        except RequestException:
            raise Refused(503, _("Your school's sign-in service cannot be reached right "
                                 "now. Please try again later.")) from None
        claims = dict(token.get("userinfo") or {})
        wanted = [conf.get("student_claim", "sub"), conf.get("coordinator_claim")]
        if any(c and c not in claims for c in wanted):
            # Some providers carry extra claims only at the userinfo endpoint.
            try:
                claims.update(client.userinfo(token=token))
            except (OAuthError, RequestException):
                raise Refused(503, _("Your school's sign-in service cannot be reached right "
                                     "now. Please try again later.")) from None
        with db.transaction() as session:
            person = oidc_person(session, school_id, claims, conf.get("student_claim", "sub"),
                                 conf.get("coordinator_claim"), conf.get("coordinator_value"))
            if person is None:
                count_auth_failure()
                raise Refused(403, _("Your school account is not known to Leerplek as a "
                                     "student of this school. Ask your coordinator."))
            role, scope = person
            token_hash = start_session(session, role, scope, _lifetime(), SURFACE,
                                       "oidc").token_hash
        open_session(token_hash)
        return redirect(_home(role))


# Signing out ---------------------------------------------------------------------------------

class SignOut(MethodView):
    def post(self) -> ResponseReturnValue:
        """End the session (its token is revoked) on every surface."""
        sign_out(SURFACE)
        return redirect(url_for("signin.start"))


blueprint.add_url_rule("/", "root", lambda: redirect(url_for("signin.start")))
blueprint.add_url_rule("/inloggen", view_func=Start.as_view("start"))
blueprint.add_url_rule("/inloggen/link/<secret>", view_func=Link.as_view("link"))
blueprint.add_url_rule("/inloggen/school/<int:school_id>",
                       view_func=SchoolStart.as_view("school"))
blueprint.add_url_rule("/inloggen/school/<int:school_id>/terug",
                       view_func=SchoolReturn.as_view("school_return"))
blueprint.add_url_rule("/uitloggen", view_func=SignOut.as_view("sign_out"))
