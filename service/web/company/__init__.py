"""The company pages under ``/bedrijf``: a leerbedrijf's profile, its offers and the students
proposed to it, in Dutch, thin over the directory and placements features (views.py)."""

from service.web.company.views import blueprint

__all__ = ["blueprint"]
