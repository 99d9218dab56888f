from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Preferences")



@_attrs_define
class Preferences:
    """ 
        Attributes:
            offers (list[int]): offer ids, best first
            round_id (int | Unset):
            student_id (int | Unset):
     """

    offers: list[int]
    round_id: int | Unset = UNSET
    student_id: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        offers = self.offers



        round_id = self.round_id

        student_id = self.student_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "offers": offers,
        })
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if student_id is not UNSET:
            field_dict["student_id"] = student_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offers = cast(list[int], d.pop("offers"))


        round_id = d.pop("round_id", UNSET)

        student_id = d.pop("student_id", UNSET)

        preferences = cls(
            offers=offers,
            round_id=round_id,
            student_id=student_id,
        )

        return preferences

