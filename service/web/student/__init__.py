"""The students' pages under ``/student``: their rounds, the offers they may choose from,
their list of preferences and their placement.

Thin views over the features (``rounds.choosing`` for rounds, eligible offers and the list,
``rounds.lifecycle`` for saving it, ``placements.assignments`` for answering a placement),
signed in through ``service.web.session`` like every web surface.
"""

from __future__ import annotations

from service.web.student.views import blueprint

__all__ = ["blueprint"]
