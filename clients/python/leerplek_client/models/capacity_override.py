from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CapacityOverride")



@_attrs_define
class CapacityOverride:
    """ 
        Attributes:
            capacity (int):
            offer_id (int):
     """

    capacity: int
    offer_id: int





    def to_dict(self) -> dict[str, Any]:
        capacity = self.capacity

        offer_id = self.offer_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "capacity": capacity,
            "offer_id": offer_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        capacity = d.pop("capacity")

        offer_id = d.pop("offer_id")

        capacity_override = cls(
            capacity=capacity,
            offer_id=offer_id,
        )

        return capacity_override

