from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EnvironmentPatch")



@_attrs_define
class EnvironmentPatch:
    """ 
        Attributes:
            capacity (int | Unset): students over all partners' offers
            id (int | Unset):
            name (str | Unset):
            partner_ids (list[int] | Unset): ids of the partner companies
            region (None | str | Unset):
     """

    capacity: int | Unset = UNSET
    id: int | Unset = UNSET
    name: str | Unset = UNSET
    partner_ids: list[int] | Unset = UNSET
    region: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        capacity = self.capacity

        id = self.id

        name = self.name

        partner_ids: list[int] | Unset = UNSET
        if not isinstance(self.partner_ids, Unset):
            partner_ids = self.partner_ids



        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if partner_ids is not UNSET:
            field_dict["partner_ids"] = partner_ids
        if region is not UNSET:
            field_dict["region"] = region

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        capacity = d.pop("capacity", UNSET)

        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        partner_ids = cast(list[int], d.pop("partner_ids", UNSET))


        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        environment_patch = cls(
            capacity=capacity,
            id=id,
            name=name,
            partner_ids=partner_ids,
            region=region,
        )

        return environment_patch

