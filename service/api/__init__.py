"""One blueprint per resource, all under ``/api/v1``; health checks at the root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest

from .. import idempotency
from ..auth import authenticate

PREFIX = "/api/v1"
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with typed decorators, so mypy --strict checks the views."""

    def route(self, rule: str, **options: Any) -> Callable[[T], T]:
        decorator: Callable[[T], T] = super().route(rule, **options)
        return decorator

    def arguments(self, schema: Any, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().arguments(schema, **kwargs)
        return decorator

    def response(self, status_code: int, schema: Any = None, **kwargs: Any
                 ) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().response(status_code, schema, **kwargs)
        return decorator

    def alt_response(self, status_code: int, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().alt_response(status_code, **kwargs)
        return decorator

    def paginate(self, pager: Any = None, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().paginate(pager, **kwargs)
        return decorator

    def doc(self, **kwargs: Any) -> Callable[[F], F]:
        decorator: Callable[[F], F] = super().doc(**kwargs)
        return decorator


def resource_blueprint(name: str, description: str) -> Blueprint:
    """A resource's blueprint: every request must carry a valid bearer token; writes honour
    ``Idempotency-Key``."""
    blp = Blueprint(name, f"service.api.{name}", url_prefix=f"{PREFIX}/{name}",
                    description=description)
    blp.before_request(authenticate)
    blp.before_request(idempotency.begin)  # after authenticate: keys are scoped per token
    blp.after_request(idempotency.finish)
    blp.teardown_request(idempotency.abandon)
    return blp
