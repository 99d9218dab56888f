from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ExportedPreferences")



@_attrs_define
class ExportedPreferences:
    """ 
        Attributes:
            offers (list[int] | Unset): offer ids, best first
            round_id (int | Unset):
            round_name (str | Unset):
     """

    offers: list[int] | Unset = UNSET
    round_id: int | Unset = UNSET
    round_name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        offers: list[int] | Unset = UNSET
        if not isinstance(self.offers, Unset):
            offers = self.offers



        round_id = self.round_id

        round_name = self.round_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if offers is not UNSET:
            field_dict["offers"] = offers
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if round_name is not UNSET:
            field_dict["round_name"] = round_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offers = cast(list[int], d.pop("offers", UNSET))


        round_id = d.pop("round_id", UNSET)

        round_name = d.pop("round_name", UNSET)

        exported_preferences = cls(
            offers=offers,
            round_id=round_id,
            round_name=round_name,
        )

        return exported_preferences

