"""ETag and If-Match: optimistic concurrency for records two parties edit.

The ETag is a hash of the record's representation (what GET returns), so no version column
is needed and any change of any field changes it. A write carrying ``If-Match`` is refused
with 412 when the record changed since the client read it; the comparison happens with the
record's row locked, so two writers holding the same ETag cannot both pass.

``If-Match`` is optional by default: clients that never read before writing keep working.
``REQUIRE_IF_MATCH = True`` makes it mandatory (428 without it) for the guarded writes.
"""

from __future__ import annotations

from flask import Response, after_this_request, current_app, request

from service.errors import Problem
from service.schemas import etag_of

HEADER = "If-Match"
__all__ = ["HEADER", "check_if_match", "etag_of", "send_etag"]


def send_etag(tag: str) -> None:
    """Put ``tag`` on the response this view is about to return."""

    @after_this_request
    def _set(response: Response) -> Response:
        if response.status_code < 300:
            response.set_etag(tag)
        return response


def check_if_match(current: str) -> None:
    """Refuse the write (412) unless ``If-Match`` names ``current`` or is absent (or ``*``)."""
    if_match = request.if_match
    if not if_match:
        if request.headers.get(HEADER) is not None:  # present but unparsable
            raise Problem(412, "If-Match: not a list of entity tags",
                          [{"field": HEADER, "location": "header",
                            "message": "must be a quoted entity tag, as sent in ETag"}])
        if current_app.config.get("REQUIRE_IF_MATCH"):
            raise Problem(428, "this write needs If-Match with the record's ETag",
                          [{"field": HEADER, "location": "header",
                            "message": "required: send the ETag of the record you read"}])
        return
    if not if_match.contains(current) and not if_match.star_tag:
        raise Problem(412, "the record changed since you read it: read it again and "
                           "reapply your change",
                      [{"field": HEADER, "location": "header",
                        "message": "does not match the record's current ETag"}])
