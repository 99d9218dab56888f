from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MonitorRow")



@_attrs_define
class MonitorRow:
    """ 
        Attributes:
            fill_rate (float | None | Unset): placed / seats
            level (int | None | Unset): null: every level
            offers (int | Unset):
            pathway (None | str | Unset): BOL, BBL or HYBRID; null: every pathway
            placed (int | None | Unset):
            region (None | str | Unset): null: every region
            round_id (int | Unset):
            round_name (str | Unset):
            school_year (str | Unset):
            seats (int | Unset):
            sector (None | str | Unset): null: every sector
            shortage_gain (int | None | Unset): students one or more extra seats in this region, sector and level would
                place (rows of region × sector × level only)
            shortage_hidden (bool | Unset):
            students_seeking (int | None | Unset): null when suppressed
            suppressed (bool | Unset):
            unplaced (int | None | Unset):
     """

    fill_rate: float | None | Unset = UNSET
    level: int | None | Unset = UNSET
    offers: int | Unset = UNSET
    pathway: None | str | Unset = UNSET
    placed: int | None | Unset = UNSET
    region: None | str | Unset = UNSET
    round_id: int | Unset = UNSET
    round_name: str | Unset = UNSET
    school_year: str | Unset = UNSET
    seats: int | Unset = UNSET
    sector: None | str | Unset = UNSET
    shortage_gain: int | None | Unset = UNSET
    shortage_hidden: bool | Unset = UNSET
    students_seeking: int | None | Unset = UNSET
    suppressed: bool | Unset = UNSET
    unplaced: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        fill_rate: float | None | Unset
        if isinstance(self.fill_rate, Unset):
            fill_rate = UNSET
        else:
            fill_rate = self.fill_rate

        level: int | None | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        else:
            level = self.level

        offers = self.offers

        pathway: None | str | Unset
        if isinstance(self.pathway, Unset):
            pathway = UNSET
        else:
            pathway = self.pathway

        placed: int | None | Unset
        if isinstance(self.placed, Unset):
            placed = UNSET
        else:
            placed = self.placed

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        round_id = self.round_id

        round_name = self.round_name

        school_year = self.school_year

        seats = self.seats

        sector: None | str | Unset
        if isinstance(self.sector, Unset):
            sector = UNSET
        else:
            sector = self.sector

        shortage_gain: int | None | Unset
        if isinstance(self.shortage_gain, Unset):
            shortage_gain = UNSET
        else:
            shortage_gain = self.shortage_gain

        shortage_hidden = self.shortage_hidden

        students_seeking: int | None | Unset
        if isinstance(self.students_seeking, Unset):
            students_seeking = UNSET
        else:
            students_seeking = self.students_seeking

        suppressed = self.suppressed

        unplaced: int | None | Unset
        if isinstance(self.unplaced, Unset):
            unplaced = UNSET
        else:
            unplaced = self.unplaced


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if fill_rate is not UNSET:
            field_dict["fill_rate"] = fill_rate
        if level is not UNSET:
            field_dict["level"] = level
        if offers is not UNSET:
            field_dict["offers"] = offers
        if pathway is not UNSET:
            field_dict["pathway"] = pathway
        if placed is not UNSET:
            field_dict["placed"] = placed
        if region is not UNSET:
            field_dict["region"] = region
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if round_name is not UNSET:
            field_dict["round_name"] = round_name
        if school_year is not UNSET:
            field_dict["school_year"] = school_year
        if seats is not UNSET:
            field_dict["seats"] = seats
        if sector is not UNSET:
            field_dict["sector"] = sector
        if shortage_gain is not UNSET:
            field_dict["shortage_gain"] = shortage_gain
        if shortage_hidden is not UNSET:
            field_dict["shortage_hidden"] = shortage_hidden
        if students_seeking is not UNSET:
            field_dict["students_seeking"] = students_seeking
        if suppressed is not UNSET:
            field_dict["suppressed"] = suppressed
        if unplaced is not UNSET:
            field_dict["unplaced"] = unplaced

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_fill_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        fill_rate = _parse_fill_rate(d.pop("fill_rate", UNSET))


        def _parse_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        level = _parse_level(d.pop("level", UNSET))


        offers = d.pop("offers", UNSET)

        def _parse_pathway(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pathway = _parse_pathway(d.pop("pathway", UNSET))


        def _parse_placed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        placed = _parse_placed(d.pop("placed", UNSET))


        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        round_id = d.pop("round_id", UNSET)

        round_name = d.pop("round_name", UNSET)

        school_year = d.pop("school_year", UNSET)

        seats = d.pop("seats", UNSET)

        def _parse_sector(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sector = _parse_sector(d.pop("sector", UNSET))


        def _parse_shortage_gain(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        shortage_gain = _parse_shortage_gain(d.pop("shortage_gain", UNSET))


        shortage_hidden = d.pop("shortage_hidden", UNSET)

        def _parse_students_seeking(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        students_seeking = _parse_students_seeking(d.pop("students_seeking", UNSET))


        suppressed = d.pop("suppressed", UNSET)

        def _parse_unplaced(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unplaced = _parse_unplaced(d.pop("unplaced", UNSET))


        monitor_row = cls(
            fill_rate=fill_rate,
            level=level,
            offers=offers,
            pathway=pathway,
            placed=placed,
            region=region,
            round_id=round_id,
            round_name=round_name,
            school_year=school_year,
            seats=seats,
            sector=sector,
            shortage_gain=shortage_gain,
            shortage_hidden=shortage_hidden,
            students_seeking=students_seeking,
            suppressed=suppressed,
            unplaced=unplaced,
        )

        return monitor_row

