"""The application factory."""

from __future__ import annotations

import os
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from . import config as settings
from .errors import register_error_handlers
from .extensions import api, db
from .schemas import schema_name


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests pass theirs)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path,
                                                                 "leerplek.sqlite")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)

    db.init_app(app)
    api.init_app(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    register_error_handlers(app)

    from .api import (
        assignments,
        companies,
        environments,
        health,
        offers,
        rounds,
        schools,
        students,
    )

    for module in (health, schools, companies, environments, offers, students, rounds,
                   assignments):
        api.register_blueprint(module.blp)

    from .dashboard import blueprint as dashboard

    # Plain Flask, not flask-smorest: HTML pages stay out of the OpenAPI document.
    app.register_blueprint(dashboard)
    return app
