"""The public regional monitor under ``/monitor``: no sign-in, Dutch, charts drawn on the
server. Its figures are the open data's (``service.monitor``), suppressed there, so this
surface can show nothing the API does not publish."""

from __future__ import annotations

from service.web.monitor.views import blueprint

__all__ = ["blueprint"]
