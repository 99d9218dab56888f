from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Assignment")



@_attrs_define
class Assignment:
    """ 
        Attributes:
            id (int | Unset):
            offer_id (int | Unset):
            pinned (bool | Unset):
            rank (int | None | Unset): null for an unranked placement
            round_id (int | Unset):
            status (str | Unset):
            student_id (int | Unset):
     """

    id: int | Unset = UNSET
    offer_id: int | Unset = UNSET
    pinned: bool | Unset = UNSET
    rank: int | None | Unset = UNSET
    round_id: int | Unset = UNSET
    status: str | Unset = UNSET
    student_id: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        offer_id = self.offer_id

        pinned = self.pinned

        rank: int | None | Unset
        if isinstance(self.rank, Unset):
            rank = UNSET
        else:
            rank = self.rank

        round_id = self.round_id

        status = self.status

        student_id = self.student_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if offer_id is not UNSET:
            field_dict["offer_id"] = offer_id
        if pinned is not UNSET:
            field_dict["pinned"] = pinned
        if rank is not UNSET:
            field_dict["rank"] = rank
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if status is not UNSET:
            field_dict["status"] = status
        if student_id is not UNSET:
            field_dict["student_id"] = student_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        offer_id = d.pop("offer_id", UNSET)

        pinned = d.pop("pinned", UNSET)

        def _parse_rank(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rank = _parse_rank(d.pop("rank", UNSET))


        round_id = d.pop("round_id", UNSET)

        status = d.pop("status", UNSET)

        student_id = d.pop("student_id", UNSET)

        assignment = cls(
            id=id,
            offer_id=offer_id,
            pinned=pinned,
            rank=rank,
            round_id=round_id,
            status=status,
            student_id=student_id,
        )

        return assignment

