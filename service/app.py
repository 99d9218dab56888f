"""The application factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import config as settings
from service import hardening, texts, web
from service.api import (
    IdConverter,
    RateLimitHeaders,
    api,
    assignments,
    audit,
    companies,
    docs,
    environments,
    health,
    idempotency,
    jobs,
    messages,
    monitor,
    offers,
    pok,
    rounds,
    schools,
    students,
    tokens,
    webhooks,
)
from service.errors import register_error_handlers
from service.extensions import babel, db
from service.identity import throttling
from service.identity.links import mailed_links
from service.jobs.runner import jobs_mode
from service.messages.events import use_signin_links
from service.messages.sweep import start_message_sweep
from service.placements.sweep import start_sweep
from service.schemas import schema_name
from service.web import company, signin, staff, student
from service.web import monitor as monitor_page
from service.web.session import CookieFirstSessionInterface
from service.webhooks import delivery as webhook_delivery


class LeerplekFlask(Flask):
    """Flask, remembering which hooks and views are plain functions.

    Flask passes every before- and after-request hook, teardown and view through
    ``ensure_sync`` on every request (about 30 times for an API request here), and each time
    asks ``inspect.iscoroutinefunction``: 3-4 % of a preference submission's CPU in the
    profile (docs/PERFORMANCE.md, "The fast path, fifth round"). Whether a function is a
    coroutine function does not change, so a plain one is asked about once; an ``async``
    one is wrapped as Flask wraps it, every time (Flask's documented way to change this)."""

    # A bound on what is remembered, in case callables are made anew per request.
    PLAIN_FUNCTIONS_KEPT = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_functions: set[Callable[..., Any]] = set()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # A method is bound anew on every request (a MethodView is made per request);
        # whether it is a coroutine function is its function's property (inspect asks the
        # function too).
        key = getattr(func, "__func__", func)
        try:
            if key in self._plain_functions:
                return func
        except TypeError:  # an unhashable callable: asked about every time
            return super().ensure_sync(func)
        checked = super().ensure_sync(func)
        if checked is func and len(self._plain_functions) < self.PLAIN_FUNCTIONS_KEPT:
            self._plain_functions.add(key)
        return checked


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests pass theirs)."""
    app = LeerplekFlask(__name__, instance_relative_config=True)
    app.session_interface = CookieFirstSessionInterface()
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path,
                                                                 "leerplek.sqlite")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        # The test client and the debug server speak plain HTTP; a deployment never does.
        app.config["SESSION_COOKIE_SECURE"] = not (app.testing or app.debug)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)

    if app.config["PROXY_FIX_X_FOR"]:
        # Behind N trusted proxies the client's address is the Nth from the right.
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)

    # Before any route is added: every <int:…> in our routes is an id within the database's
    # range.
    app.url_map.converters["int"] = IdConverter
    db.init_app(app)
    # What a transaction emitted for webhooks goes out as it commits (service/webhooks).
    webhook_delivery.init_app(app)
    # One language today (BABEL_DEFAULT_LOCALE); the catalogue sits next to this module.
    babel.init_app(app, default_translation_directories=os.path.join(app.root_path,
                                                                     "translations"))
    app.jinja_env.filters.update(texts.FILTERS)
    app.jinja_env.globals.update(texts.GLOBALS)
    idempotency.init_app(app)
    limiter = throttling.init_app(app)
    hardening.init_app(app)
    api.init_app(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
        "extra_plugins": [RateLimitHeaders()]})
    register_error_handlers(app)

    for module in (health, schools, companies, environments, offers, students, rounds,
                   assignments, pok, jobs, tokens, audit, messages, monitor, webhooks):
        api.register_blueprint(module.blp)
    api.register_blueprint(monitor.agreements_blp)
    limiter.exempt(health.blp)
    # The interactive documentation (Swagger UI over /api/openapi.json): a page, so plain
    # Flask like the dashboard, outside the document it shows.
    app.register_blueprint(docs.blueprint)

    # Plain Flask, not flask-smorest: HTML pages stay out of the OpenAPI document. ``web``
    # serves what every surface shares (layout, static files, template helpers).
    app.register_blueprint(web.blueprint)
    app.register_blueprint(staff.blueprint)
    app.register_blueprint(company.blueprint)
    app.register_blueprint(student.blueprint)
    app.register_blueprint(monitor_page.blueprint)

    signin.init_app(app)
    if app.config["MAIL_SIGNIN_LINKS"]:
        # The messages feature knows no sign-in: the link comes from the signin feature.
        use_signin_links(app, mailed_links(app.config["BASE_URL"],
                                           app.config["SIGNIN_LINK_DAYS"]))
    if jobs_mode(app.config) == "thread" and not app.testing and app.config["EMBEDDED_SWEEPS"]:
        # Embedded: no worker runs, so this process settles answer deadlines and sends the
        # outbox itself.
        start_sweep(app)
        start_message_sweep(app)
        webhook_delivery.start_webhook_sweep(app)
    return app
