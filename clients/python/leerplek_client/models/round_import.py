from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.round_ import Round
  from ..models.round_import_warnings_item import RoundImportWarningsItem





T = TypeVar("T", bound="RoundImport")



@_attrs_define
class RoundImport:
    """ 
        Attributes:
            companies_created (int | Unset):
            environments (int | Unset):
            offers (int | Unset):
            pinned (int | Unset):
            preferences (int | Unset):
            round_ (Round | Unset):
            students_created (int | Unset):
            students_in_round (int | Unset): the round takes every student of its school or region, also those stored before
            students_matched (int | Unset):
            students_updated (int | Unset):
            warnings (list[RoundImportWarningsItem] | Unset): preference entries dropped (unknown or repeated offers), each
                with its field path
     """

    companies_created: int | Unset = UNSET
    environments: int | Unset = UNSET
    offers: int | Unset = UNSET
    pinned: int | Unset = UNSET
    preferences: int | Unset = UNSET
    round_: Round | Unset = UNSET
    students_created: int | Unset = UNSET
    students_in_round: int | Unset = UNSET
    students_matched: int | Unset = UNSET
    students_updated: int | Unset = UNSET
    warnings: list[RoundImportWarningsItem] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.round_ import Round # noqa: PLC0415
        from ..models.round_import_warnings_item import RoundImportWarningsItem # noqa: PLC0415
        companies_created = self.companies_created

        environments = self.environments

        offers = self.offers

        pinned = self.pinned

        preferences = self.preferences

        round_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.round_, Unset):
            round_ = self.round_.to_dict()

        students_created = self.students_created

        students_in_round = self.students_in_round

        students_matched = self.students_matched

        students_updated = self.students_updated

        warnings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = []
            for warnings_item_data in self.warnings:
                warnings_item = warnings_item_data.to_dict()
                warnings.append(warnings_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if companies_created is not UNSET:
            field_dict["companies_created"] = companies_created
        if environments is not UNSET:
            field_dict["environments"] = environments
        if offers is not UNSET:
            field_dict["offers"] = offers
        if pinned is not UNSET:
            field_dict["pinned"] = pinned
        if preferences is not UNSET:
            field_dict["preferences"] = preferences
        if round_ is not UNSET:
            field_dict["round"] = round_
        if students_created is not UNSET:
            field_dict["students_created"] = students_created
        if students_in_round is not UNSET:
            field_dict["students_in_round"] = students_in_round
        if students_matched is not UNSET:
            field_dict["students_matched"] = students_matched
        if students_updated is not UNSET:
            field_dict["students_updated"] = students_updated
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.round_ import Round # noqa: PLC0415
        from ..models.round_import_warnings_item import RoundImportWarningsItem # noqa: PLC0415
        d = dict(src_dict)
        companies_created = d.pop("companies_created", UNSET)

        environments = d.pop("environments", UNSET)

        offers = d.pop("offers", UNSET)

        pinned = d.pop("pinned", UNSET)

        preferences = d.pop("preferences", UNSET)

        _round_ = d.pop("round", UNSET)
        round_: Round | Unset
        if isinstance(_round_,  Unset):
            round_ = UNSET
        else:
            round_ = Round.from_dict(_round_)




        students_created = d.pop("students_created", UNSET)

        students_in_round = d.pop("students_in_round", UNSET)

        students_matched = d.pop("students_matched", UNSET)

        students_updated = d.pop("students_updated", UNSET)

        _warnings = d.pop("warnings", UNSET)
        warnings: list[RoundImportWarningsItem] | Unset = UNSET
        if _warnings is not UNSET:
            warnings = []
            for warnings_item_data in _warnings:
                warnings_item = RoundImportWarningsItem.from_dict(warnings_item_data)



                warnings.append(warnings_item)


        round_import = cls(
            companies_created=companies_created,
            environments=environments,
            offers=offers,
            pinned=pinned,
            preferences=preferences,
            round_=round_,
            students_created=students_created,
            students_in_round=students_in_round,
            students_matched=students_matched,
            students_updated=students_updated,
            warnings=warnings,
        )

        return round_import

