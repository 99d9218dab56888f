from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.student_patch_pathways_item import StudentPatchPathwaysItem
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.location import Location
  from ..models.student_patch_location_type_1_type_0 import StudentPatchLocationType1Type0





T = TypeVar("T", bound="StudentPatch")



@_attrs_define
class StudentPatch:
    """ 
        Attributes:
            available_from (datetime.date | None | Unset):
            available_until (datetime.date | None | Unset):
            email (None | str | Unset): optional contact address for messages; erased with the student's personal data
            home_place (None | str | Unset):
            id (int | Unset):
            level (int | Unset):
            location (Location | None | StudentPatchLocationType1Type0 | Unset): without it, the reference point of
                `home_place`; a location so derived follows a changed `home_place`
            max_travel_km (float | None | Unset):
            pathways (list[StudentPatchPathwaysItem] | Unset):
            priority (bool | Unset): placed first; set and seen by coordinators and admins only Default: False.
            qualification (None | str | Unset):
            regions (list[str] | Unset):
            school_id (int | Unset):
            sector (str | Unset):
            student_number (str | Unset): pseudonymous number, unique within the school; never a name
     """

    available_from: datetime.date | None | Unset = UNSET
    available_until: datetime.date | None | Unset = UNSET
    email: None | str | Unset = UNSET
    home_place: None | str | Unset = UNSET
    id: int | Unset = UNSET
    level: int | Unset = UNSET
    location: Location | None | StudentPatchLocationType1Type0 | Unset = UNSET
    max_travel_km: float | None | Unset = UNSET
    pathways: list[StudentPatchPathwaysItem] | Unset = UNSET
    priority: bool | Unset = False
    qualification: None | str | Unset = UNSET
    regions: list[str] | Unset = UNSET
    school_id: int | Unset = UNSET
    sector: str | Unset = UNSET
    student_number: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.location import Location # noqa: PLC0415
        from ..models.student_patch_location_type_1_type_0 import StudentPatchLocationType1Type0 # noqa: PLC0415
        available_from: None | str | Unset
        if isinstance(self.available_from, Unset):
            available_from = UNSET
        elif isinstance(self.available_from, datetime.date):
            available_from = self.available_from.isoformat()
        else:
            available_from = self.available_from

        available_until: None | str | Unset
        if isinstance(self.available_until, Unset):
            available_until = UNSET
        elif isinstance(self.available_until, datetime.date):
            available_until = self.available_until.isoformat()
        else:
            available_until = self.available_until

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        home_place: None | str | Unset
        if isinstance(self.home_place, Unset):
            home_place = UNSET
        else:
            home_place = self.home_place

        id = self.id

        level = self.level

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        elif isinstance(self.location, StudentPatchLocationType1Type0):
            location = self.location.to_dict()
        else:
            location = self.location

        max_travel_km: float | None | Unset
        if isinstance(self.max_travel_km, Unset):
            max_travel_km = UNSET
        else:
            max_travel_km = self.max_travel_km

        pathways: list[str] | Unset = UNSET
        if not isinstance(self.pathways, Unset):
            pathways = []
            for pathways_item_data in self.pathways:
                pathways_item = pathways_item_data.value
                pathways.append(pathways_item)



        priority = self.priority

        qualification: None | str | Unset
        if isinstance(self.qualification, Unset):
            qualification = UNSET
        else:
            qualification = self.qualification

        regions: list[str] | Unset = UNSET
        if not isinstance(self.regions, Unset):
            regions = self.regions



        school_id = self.school_id

        sector = self.sector

        student_number = self.student_number


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if available_from is not UNSET:
            field_dict["available_from"] = available_from
        if available_until is not UNSET:
            field_dict["available_until"] = available_until
        if email is not UNSET:
            field_dict["email"] = email
        if home_place is not UNSET:
            field_dict["home_place"] = home_place
        if id is not UNSET:
            field_dict["id"] = id
        if level is not UNSET:
            field_dict["level"] = level
        if location is not UNSET:
            field_dict["location"] = location
        if max_travel_km is not UNSET:
            field_dict["max_travel_km"] = max_travel_km
        if pathways is not UNSET:
            field_dict["pathways"] = pathways
        if priority is not UNSET:
            field_dict["priority"] = priority
        if qualification is not UNSET:
            field_dict["qualification"] = qualification
        if regions is not UNSET:
            field_dict["regions"] = regions
        if school_id is not UNSET:
            field_dict["school_id"] = school_id
        if sector is not UNSET:
            field_dict["sector"] = sector
        if student_number is not UNSET:
            field_dict["student_number"] = student_number

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location import Location # noqa: PLC0415
        from ..models.student_patch_location_type_1_type_0 import StudentPatchLocationType1Type0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_available_from(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_from_type_0 = datetime.date.fromisoformat(data)



                return available_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        available_from = _parse_available_from(d.pop("available_from", UNSET))


        def _parse_available_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_until_type_0 = datetime.date.fromisoformat(data)



                return available_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        available_until = _parse_available_until(d.pop("available_until", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_home_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        home_place = _parse_home_place(d.pop("home_place", UNSET))


        id = d.pop("id", UNSET)

        level = d.pop("level", UNSET)

        def _parse_location(data: object) -> Location | None | StudentPatchLocationType1Type0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = Location.from_dict(data)



                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_1_type_0 = StudentPatchLocationType1Type0.from_dict(data)



                return location_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Location | None | StudentPatchLocationType1Type0 | Unset, data)

        location = _parse_location(d.pop("location", UNSET))


        def _parse_max_travel_km(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_travel_km = _parse_max_travel_km(d.pop("max_travel_km", UNSET))


        _pathways = d.pop("pathways", UNSET)
        pathways: list[StudentPatchPathwaysItem] | Unset = UNSET
        if _pathways is not UNSET:
            pathways = []
            for pathways_item_data in _pathways:
                pathways_item = StudentPatchPathwaysItem(pathways_item_data)



                pathways.append(pathways_item)


        priority = d.pop("priority", UNSET)

        def _parse_qualification(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        qualification = _parse_qualification(d.pop("qualification", UNSET))


        regions = cast(list[str], d.pop("regions", UNSET))


        school_id = d.pop("school_id", UNSET)

        sector = d.pop("sector", UNSET)

        student_number = d.pop("student_number", UNSET)

        student_patch = cls(
            available_from=available_from,
            available_until=available_until,
            email=email,
            home_place=home_place,
            id=id,
            level=level,
            location=location,
            max_travel_km=max_travel_km,
            pathways=pathways,
            priority=priority,
            qualification=qualification,
            regions=regions,
            school_id=school_id,
            sector=sector,
            student_number=student_number,
        )

        return student_patch

