from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.agreement_pathway_type_1 import AgreementPathwayType1
from ..models.agreement_pathway_type_2_type_1 import AgreementPathwayType2Type1
from ..models.agreement_pathway_type_3_type_1 import AgreementPathwayType3Type1
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Agreement")



@_attrs_define
class Agreement:
    """ 
        Attributes:
            region (str):
            school_year (str):
            sector (str):
            target (int): seats
            title (str):
            achieved (int | Unset):
            baseline_school_year (None | str | Unset): count only the seats beyond this earlier year's
            baseline_seats (int | None | Unset):
            finished_rounds (int | Unset):
            id (int | Unset):
            level (int | None | Unset): null: every level
            pathway (AgreementPathwayType1 | AgreementPathwayType2Type1 | AgreementPathwayType3Type1 | None | Unset): null:
                every pathway
            progress (float | Unset): achieved / target, at most 1
            seats_offered (int | Unset):
     """

    region: str
    school_year: str
    sector: str
    target: int
    title: str
    achieved: int | Unset = UNSET
    baseline_school_year: None | str | Unset = UNSET
    baseline_seats: int | None | Unset = UNSET
    finished_rounds: int | Unset = UNSET
    id: int | Unset = UNSET
    level: int | None | Unset = UNSET
    pathway: AgreementPathwayType1 | AgreementPathwayType2Type1 | AgreementPathwayType3Type1 | None | Unset = UNSET
    progress: float | Unset = UNSET
    seats_offered: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        region = self.region

        school_year = self.school_year

        sector = self.sector

        target = self.target

        title = self.title

        achieved = self.achieved

        baseline_school_year: None | str | Unset
        if isinstance(self.baseline_school_year, Unset):
            baseline_school_year = UNSET
        else:
            baseline_school_year = self.baseline_school_year

        baseline_seats: int | None | Unset
        if isinstance(self.baseline_seats, Unset):
            baseline_seats = UNSET
        else:
            baseline_seats = self.baseline_seats

        finished_rounds = self.finished_rounds

        id = self.id

        level: int | None | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        else:
            level = self.level

        pathway: None | str | Unset
        if isinstance(self.pathway, Unset):
            pathway = UNSET
        elif isinstance(self.pathway, AgreementPathwayType1):
            pathway = self.pathway.value
        elif isinstance(self.pathway, AgreementPathwayType2Type1):
            pathway = self.pathway.value
        elif isinstance(self.pathway, AgreementPathwayType3Type1):
            pathway = self.pathway.value
        else:
            pathway = self.pathway

        progress = self.progress

        seats_offered = self.seats_offered


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "region": region,
            "school_year": school_year,
            "sector": sector,
            "target": target,
            "title": title,
        })
        if achieved is not UNSET:
            field_dict["achieved"] = achieved
        if baseline_school_year is not UNSET:
            field_dict["baseline_school_year"] = baseline_school_year
        if baseline_seats is not UNSET:
            field_dict["baseline_seats"] = baseline_seats
        if finished_rounds is not UNSET:
            field_dict["finished_rounds"] = finished_rounds
        if id is not UNSET:
            field_dict["id"] = id
        if level is not UNSET:
            field_dict["level"] = level
        if pathway is not UNSET:
            field_dict["pathway"] = pathway
        if progress is not UNSET:
            field_dict["progress"] = progress
        if seats_offered is not UNSET:
            field_dict["seats_offered"] = seats_offered

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        region = d.pop("region")

        school_year = d.pop("school_year")

        sector = d.pop("sector")

        target = d.pop("target")

        title = d.pop("title")

        achieved = d.pop("achieved", UNSET)

        def _parse_baseline_school_year(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        baseline_school_year = _parse_baseline_school_year(d.pop("baseline_school_year", UNSET))


        def _parse_baseline_seats(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        baseline_seats = _parse_baseline_seats(d.pop("baseline_seats", UNSET))


        finished_rounds = d.pop("finished_rounds", UNSET)

        id = d.pop("id", UNSET)

        def _parse_level(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        level = _parse_level(d.pop("level", UNSET))


        def _parse_pathway(data: object) -> AgreementPathwayType1 | AgreementPathwayType2Type1 | AgreementPathwayType3Type1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pathway_type_1 = AgreementPathwayType1(data)



                return pathway_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pathway_type_2_type_1 = AgreementPathwayType2Type1(data)



                return pathway_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pathway_type_3_type_1 = AgreementPathwayType3Type1(data)



                return pathway_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgreementPathwayType1 | AgreementPathwayType2Type1 | AgreementPathwayType3Type1 | None | Unset, data)

        pathway = _parse_pathway(d.pop("pathway", UNSET))


        progress = d.pop("progress", UNSET)

        seats_offered = d.pop("seats_offered", UNSET)

        agreement = cls(
            region=region,
            school_year=school_year,
            sector=sector,
            target=target,
            title=title,
            achieved=achieved,
            baseline_school_year=baseline_school_year,
            baseline_seats=baseline_seats,
            finished_rounds=finished_rounds,
            id=id,
            level=level,
            pathway=pathway,
            progress=progress,
            seats_offered=seats_offered,
        )

        return agreement

