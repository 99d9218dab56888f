"""Places from the reference data: the main place of a region nearest to a point.

Students and offers are stored with coordinates and a region; a person reads a place name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import RefPlace, RefRegion, RefSector

# (name, lat, lon) of each main place, per region id
PlacesByRegion = dict[str, list[tuple[str, float, float]]]


def nearest_place(places: Sequence[tuple[str, float, float]], lat: float, lon: float
                  ) -> str | None:
    """The name of the place nearest to (lat, lon), or None without places."""
    if not places:
        return None
    cos_lat = math.cos(math.radians(lat))
    # Equirectangular distance is plenty to pick the nearest of a region's few places.
    return min(places, key=lambda p: (p[1] - lat) ** 2 + ((p[2] - lon) * cos_lat) ** 2)[0]


def places_by_region(session: Session) -> PlacesByRegion:
    out: PlacesByRegion = {}
    for place in session.scalars(select(RefPlace).order_by(RefPlace.id)):
        out.setdefault(place.region_id, []).append((place.name, place.lat, place.lon))
    return out


def region_names(session: Session) -> dict[str, str]:
    """Region code → name from the reference table."""
    return {code: name for code, name in session.execute(select(RefRegion.id, RefRegion.name))}


def sector_names(session: Session) -> dict[str, str]:
    """Sector code → name from the reference table."""
    return {code: name for code, name in session.execute(select(RefSector.id, RefSector.name))}
