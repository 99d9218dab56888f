from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.exported_student_pathways_item import ExportedStudentPathwaysItem
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.exported_student_location_type_1_type_0 import ExportedStudentLocationType1Type0
  from ..models.location import Location





T = TypeVar("T", bound="ExportedStudent")



@_attrs_define
class ExportedStudent:
    """ 
        Attributes:
            level (int):
            pathways (list[ExportedStudentPathwaysItem]):
            regions (list[str]):
            school_id (int):
            sector (str):
            student_number (str): pseudonymous number, unique within the school; never a name
            available_from (datetime.date | None | Unset):
            available_until (datetime.date | None | Unset):
            email (None | str | Unset): optional contact address for messages; erased with the student's personal data
            erased_at (datetime.datetime | None | Unset):
            home_place (None | str | Unset):
            id (int | Unset):
            location (ExportedStudentLocationType1Type0 | Location | None | Unset): without it, the reference point of
                `home_place`; a location so derived follows a changed `home_place`
            max_travel_km (float | None | Unset):
            priority (bool | Unset): placed first; set and seen by coordinators and admins only Default: False.
            qualification (None | str | Unset):
     """

    level: int
    pathways: list[ExportedStudentPathwaysItem]
    regions: list[str]
    school_id: int
    sector: str
    student_number: str
    available_from: datetime.date | None | Unset = UNSET
    available_until: datetime.date | None | Unset = UNSET
    email: None | str | Unset = UNSET
    erased_at: datetime.datetime | None | Unset = UNSET
    home_place: None | str | Unset = UNSET
    id: int | Unset = UNSET
    location: ExportedStudentLocationType1Type0 | Location | None | Unset = UNSET
    max_travel_km: float | None | Unset = UNSET
    priority: bool | Unset = False
    qualification: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.exported_student_location_type_1_type_0 import ExportedStudentLocationType1Type0 # noqa: PLC0415
        from ..models.location import Location # noqa: PLC0415
        level = self.level

        pathways = []
        for pathways_item_data in self.pathways:
            pathways_item = pathways_item_data.value
            pathways.append(pathways_item)



        regions = self.regions



        school_id = self.school_id

        sector = self.sector

        student_number = self.student_number

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

        erased_at: None | str | Unset
        if isinstance(self.erased_at, Unset):
            erased_at = UNSET
        elif isinstance(self.erased_at, datetime.datetime):
            erased_at = self.erased_at.isoformat()
        else:
            erased_at = self.erased_at

        home_place: None | str | Unset
        if isinstance(self.home_place, Unset):
            home_place = UNSET
        else:
            home_place = self.home_place

        id = self.id

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        elif isinstance(self.location, ExportedStudentLocationType1Type0):
            location = self.location.to_dict()
        else:
            location = self.location

        max_travel_km: float | None | Unset
        if isinstance(self.max_travel_km, Unset):
            max_travel_km = UNSET
        else:
            max_travel_km = self.max_travel_km

        priority = self.priority

        qualification: None | str | Unset
        if isinstance(self.qualification, Unset):
            qualification = UNSET
        else:
            qualification = self.qualification


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "level": level,
            "pathways": pathways,
            "regions": regions,
            "school_id": school_id,
            "sector": sector,
            "student_number": student_number,
        })
        if available_from is not UNSET:
            field_dict["available_from"] = available_from
        if available_until is not UNSET:
            field_dict["available_until"] = available_until
        if email is not UNSET:
            field_dict["email"] = email
        if erased_at is not UNSET:
            field_dict["erased_at"] = erased_at
        if home_place is not UNSET:
            field_dict["home_place"] = home_place
        if id is not UNSET:
            field_dict["id"] = id
        if location is not UNSET:
            field_dict["location"] = location
        if max_travel_km is not UNSET:
            field_dict["max_travel_km"] = max_travel_km
        if priority is not UNSET:
            field_dict["priority"] = priority
        if qualification is not UNSET:
            field_dict["qualification"] = qualification

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exported_student_location_type_1_type_0 import ExportedStudentLocationType1Type0 # noqa: PLC0415
        from ..models.location import Location # noqa: PLC0415
        d = dict(src_dict)
        level = d.pop("level")

        pathways = []
        _pathways = d.pop("pathways")
        for pathways_item_data in (_pathways):
            pathways_item = ExportedStudentPathwaysItem(pathways_item_data)



            pathways.append(pathways_item)


        regions = cast(list[str], d.pop("regions"))


        school_id = d.pop("school_id")

        sector = d.pop("sector")

        student_number = d.pop("student_number")

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


        def _parse_erased_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erased_at_type_0 = datetime.datetime.fromisoformat(data)



                return erased_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        erased_at = _parse_erased_at(d.pop("erased_at", UNSET))


        def _parse_home_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        home_place = _parse_home_place(d.pop("home_place", UNSET))


        id = d.pop("id", UNSET)

        def _parse_location(data: object) -> ExportedStudentLocationType1Type0 | Location | None | Unset:
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
                location_type_1_type_0 = ExportedStudentLocationType1Type0.from_dict(data)



                return location_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportedStudentLocationType1Type0 | Location | None | Unset, data)

        location = _parse_location(d.pop("location", UNSET))


        def _parse_max_travel_km(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_travel_km = _parse_max_travel_km(d.pop("max_travel_km", UNSET))


        priority = d.pop("priority", UNSET)

        def _parse_qualification(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        qualification = _parse_qualification(d.pop("qualification", UNSET))


        exported_student = cls(
            level=level,
            pathways=pathways,
            regions=regions,
            school_id=school_id,
            sector=sector,
            student_number=student_number,
            available_from=available_from,
            available_until=available_until,
            email=email,
            erased_at=erased_at,
            home_place=home_place,
            id=id,
            location=location,
            max_travel_km=max_travel_km,
            priority=priority,
            qualification=qualification,
        )

        return exported_student

