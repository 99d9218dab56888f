from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.offer_patch_pathways_item import OfferPatchPathwaysItem
from ..models.offer_patch_status import OfferPatchStatus
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.location import Location
  from ..models.offer_patch_location_type_1_type_0 import OfferPatchLocationType1Type0





T = TypeVar("T", bound="OfferPatch")



@_attrs_define
class OfferPatch:
    """ 
        Attributes:
            capacity (int | Unset):
            company_id (int | Unset): defaults to a company token's own
            days_per_week (int | None | Unset):
            description (None | str | Unset): what the place is and what the company offers
            end (datetime.date | None | Unset):
            environment_id (int | None | Unset):
            hours_per_week (int | None | Unset):
            id (int | Unset):
            levels (list[int] | Unset):
            location (Location | None | OfferPatchLocationType1Type0 | Unset): without it, the reference point of `place`; a
                location so derived follows a changed `place`
            pathways (list[OfferPatchPathwaysItem] | Unset):
            place (None | str | Unset): a place of the reference data
            qualifications (list[str] | Unset):
            region (str | Unset):
            reserved_priority (int | Unset):  Default: 0.
            round_id (int | None | Unset):
            sector (str | Unset):
            start (datetime.date | None | Unset):
            status (OfferPatchStatus | Unset):  Default: OfferPatchStatus.DRAFT.
            title (str | Unset):  Default: ''.
     """

    capacity: int | Unset = UNSET
    company_id: int | Unset = UNSET
    days_per_week: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    end: datetime.date | None | Unset = UNSET
    environment_id: int | None | Unset = UNSET
    hours_per_week: int | None | Unset = UNSET
    id: int | Unset = UNSET
    levels: list[int] | Unset = UNSET
    location: Location | None | OfferPatchLocationType1Type0 | Unset = UNSET
    pathways: list[OfferPatchPathwaysItem] | Unset = UNSET
    place: None | str | Unset = UNSET
    qualifications: list[str] | Unset = UNSET
    region: str | Unset = UNSET
    reserved_priority: int | Unset = 0
    round_id: int | None | Unset = UNSET
    sector: str | Unset = UNSET
    start: datetime.date | None | Unset = UNSET
    status: OfferPatchStatus | Unset = OfferPatchStatus.DRAFT
    title: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        from ..models.location import Location # noqa: PLC0415
        from ..models.offer_patch_location_type_1_type_0 import OfferPatchLocationType1Type0 # noqa: PLC0415
        capacity = self.capacity

        company_id = self.company_id

        days_per_week: int | None | Unset
        if isinstance(self.days_per_week, Unset):
            days_per_week = UNSET
        else:
            days_per_week = self.days_per_week

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        end: None | str | Unset
        if isinstance(self.end, Unset):
            end = UNSET
        elif isinstance(self.end, datetime.date):
            end = self.end.isoformat()
        else:
            end = self.end

        environment_id: int | None | Unset
        if isinstance(self.environment_id, Unset):
            environment_id = UNSET
        else:
            environment_id = self.environment_id

        hours_per_week: int | None | Unset
        if isinstance(self.hours_per_week, Unset):
            hours_per_week = UNSET
        else:
            hours_per_week = self.hours_per_week

        id = self.id

        levels: list[int] | Unset = UNSET
        if not isinstance(self.levels, Unset):
            levels = self.levels



        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        elif isinstance(self.location, OfferPatchLocationType1Type0):
            location = self.location.to_dict()
        else:
            location = self.location

        pathways: list[str] | Unset = UNSET
        if not isinstance(self.pathways, Unset):
            pathways = []
            for pathways_item_data in self.pathways:
                pathways_item = pathways_item_data.value
                pathways.append(pathways_item)



        place: None | str | Unset
        if isinstance(self.place, Unset):
            place = UNSET
        else:
            place = self.place

        qualifications: list[str] | Unset = UNSET
        if not isinstance(self.qualifications, Unset):
            qualifications = self.qualifications



        region = self.region

        reserved_priority = self.reserved_priority

        round_id: int | None | Unset
        if isinstance(self.round_id, Unset):
            round_id = UNSET
        else:
            round_id = self.round_id

        sector = self.sector

        start: None | str | Unset
        if isinstance(self.start, Unset):
            start = UNSET
        elif isinstance(self.start, datetime.date):
            start = self.start.isoformat()
        else:
            start = self.start

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value


        title = self.title


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if company_id is not UNSET:
            field_dict["company_id"] = company_id
        if days_per_week is not UNSET:
            field_dict["days_per_week"] = days_per_week
        if description is not UNSET:
            field_dict["description"] = description
        if end is not UNSET:
            field_dict["end"] = end
        if environment_id is not UNSET:
            field_dict["environment_id"] = environment_id
        if hours_per_week is not UNSET:
            field_dict["hours_per_week"] = hours_per_week
        if id is not UNSET:
            field_dict["id"] = id
        if levels is not UNSET:
            field_dict["levels"] = levels
        if location is not UNSET:
            field_dict["location"] = location
        if pathways is not UNSET:
            field_dict["pathways"] = pathways
        if place is not UNSET:
            field_dict["place"] = place
        if qualifications is not UNSET:
            field_dict["qualifications"] = qualifications
        if region is not UNSET:
            field_dict["region"] = region
        if reserved_priority is not UNSET:
            field_dict["reserved_priority"] = reserved_priority
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if sector is not UNSET:
            field_dict["sector"] = sector
        if start is not UNSET:
            field_dict["start"] = start
        if status is not UNSET:
            field_dict["status"] = status
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location import Location # noqa: PLC0415
        from ..models.offer_patch_location_type_1_type_0 import OfferPatchLocationType1Type0 # noqa: PLC0415
        d = dict(src_dict)
        capacity = d.pop("capacity", UNSET)

        company_id = d.pop("company_id", UNSET)

        def _parse_days_per_week(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_per_week = _parse_days_per_week(d.pop("days_per_week", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_end(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_type_0 = datetime.date.fromisoformat(data)



                return end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        end = _parse_end(d.pop("end", UNSET))


        def _parse_environment_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        environment_id = _parse_environment_id(d.pop("environment_id", UNSET))


        def _parse_hours_per_week(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hours_per_week = _parse_hours_per_week(d.pop("hours_per_week", UNSET))


        id = d.pop("id", UNSET)

        levels = cast(list[int], d.pop("levels", UNSET))


        def _parse_location(data: object) -> Location | None | OfferPatchLocationType1Type0 | Unset:
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
                location_type_1_type_0 = OfferPatchLocationType1Type0.from_dict(data)



                return location_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Location | None | OfferPatchLocationType1Type0 | Unset, data)

        location = _parse_location(d.pop("location", UNSET))


        _pathways = d.pop("pathways", UNSET)
        pathways: list[OfferPatchPathwaysItem] | Unset = UNSET
        if _pathways is not UNSET:
            pathways = []
            for pathways_item_data in _pathways:
                pathways_item = OfferPatchPathwaysItem(pathways_item_data)



                pathways.append(pathways_item)


        def _parse_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        place = _parse_place(d.pop("place", UNSET))


        qualifications = cast(list[str], d.pop("qualifications", UNSET))


        region = d.pop("region", UNSET)

        reserved_priority = d.pop("reserved_priority", UNSET)

        def _parse_round_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        round_id = _parse_round_id(d.pop("round_id", UNSET))


        sector = d.pop("sector", UNSET)

        def _parse_start(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_type_0 = datetime.date.fromisoformat(data)



                return start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start = _parse_start(d.pop("start", UNSET))


        _status = d.pop("status", UNSET)
        status: OfferPatchStatus | Unset
        if isinstance(_status,  Unset):
            status = UNSET
        else:
            status = OfferPatchStatus(_status)




        title = d.pop("title", UNSET)

        offer_patch = cls(
            capacity=capacity,
            company_id=company_id,
            days_per_week=days_per_week,
            description=description,
            end=end,
            environment_id=environment_id,
            hours_per_week=hours_per_week,
            id=id,
            levels=levels,
            location=location,
            pathways=pathways,
            place=place,
            qualifications=qualifications,
            region=region,
            reserved_priority=reserved_priority,
            round_id=round_id,
            sector=sector,
            start=start,
            status=status,
            title=title,
        )

        return offer_patch

