"""Places from the reference data: the main place of a region nearest to a point, and the
point of a named place.

Students and offers are stored with coordinates and a region; a person reads a place name.
A record that names its place (an offer's ``place``, a student's ``home_place``) but gives no
coordinates is put at that place's reference point (``settled_location``), so the engine's
travel rule and the distance a student reads apply to it too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Located, RefPlace, RefRegion, RefSector

# (name, lat, lon) of each main place, per region id
PlacesByRegion = dict[str, list[tuple[str, float, float]]]
# A location as the API and the round document spell it
Point = dict[str, float]


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


class PlacePoints:
    """The reference points of places by name, read once per save or import."""

    def __init__(self, rows: Iterable[tuple[str, str, float, float]]) -> None:
        # name → (region id, point) for each region naming such a place
        self._by_name: dict[str, list[tuple[str, Point]]] = {}
        for name, region, lat, lon in rows:
            self._by_name.setdefault(name, []).append((region, {"lat": lat, "lon": lon}))

    @classmethod
    def load(cls, session: Session, names: Iterable[str | None] | None = None) -> PlacePoints:
        """Every place, or only those named ``names`` (no query when none is named)."""
        stmt = select(RefPlace.name, RefPlace.region_id, RefPlace.lat, RefPlace.lon
                      ).order_by(RefPlace.id)
        if names is not None:
            wanted = sorted({name for name in names if name})
            if not wanted:
                return cls(())
            stmt = stmt.where(RefPlace.name.in_(wanted))
        return cls((name, region, lat, lon) for name, region, lat, lon in session.execute(stmt))

    def point(self, name: str | None, regions: Sequence[str] = ()) -> Point | None:
        """The point of the place ``name``; of the one in ``regions`` if several regions
        have a place of that name. None for no or an unknown place."""
        found = self._by_name.get(name or "", [])
        for region, point in found:
            if region in regions:
                return dict(point)
        return dict(found[0][1]) if found else None

    def is_point_of(self, name: str | None, location: Point | None) -> bool:
        """Whether ``location`` is exactly the reference point of the place ``name``: a
        location derived from that place rather than given."""
        return location is not None and any(
            point == location for _, point in self._by_name.get(name or "", []))


def settled_location(points: PlacePoints, place: str | None, regions: Sequence[str],
                     location: Point | None, *, given: bool, old_place: str | None = None
                     ) -> Point | None:
    """Where a record is after a save: the one rule for offers and students, on every save
    (API, company form) and import.

    ``location`` is the record's location after the save's fields were assigned, ``given``
    whether the save itself gave non-null coordinates, ``old_place`` the place before (None
    for a new record). Given coordinates are kept; without coordinates a known place gives
    its reference point; a location derived from the old place follows a changed place (and
    goes with it when the place is cleared). A location given earlier stays: the place is
    then the town an exact address lies in, which a person may correct on its own.
    """
    if given and location is not None:
        return location
    if location is None or (place != old_place and points.is_point_of(old_place, location)):
        return points.point(place, regions)
    return location


def locate(session: Session, record: Located, place: str | None, regions: Sequence[str],
           data: Mapping[str, Any], old_place: str | None) -> None:
    """Settle ``record``'s location after ``data`` was assigned to it (``settled_location``)."""
    given = data.get("location") is not None
    if given or not (place or old_place) or (record.location is not None and place == old_place):
        return  # settled_location would keep the location as it is: no query for it
    points = PlacePoints.load(session, [place, old_place])
    record.location = settled_location(points, place, regions, record.location, given=given,
                                       old_place=old_place)
