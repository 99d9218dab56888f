from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.capacity_override import CapacityOverride
  from ..models.policy_override import PolicyOverride
  from ..models.scale_override import ScaleOverride





T = TypeVar("T", bound="Simulate")



@_attrs_define
class Simulate:
    """ 
        Attributes:
            name (str):
            capacity (list[CapacityOverride] | Unset): explicit capacities; applied after scale
            policy (PolicyOverride | Unset):
            scale (list[ScaleOverride] | Unset):
     """

    name: str
    capacity: list[CapacityOverride] | Unset = UNSET
    policy: PolicyOverride | Unset = UNSET
    scale: list[ScaleOverride] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.capacity_override import CapacityOverride # noqa: PLC0415
        from ..models.policy_override import PolicyOverride # noqa: PLC0415
        from ..models.scale_override import ScaleOverride # noqa: PLC0415
        name = self.name

        capacity: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.capacity, Unset):
            capacity = []
            for capacity_item_data in self.capacity:
                capacity_item = capacity_item_data.to_dict()
                capacity.append(capacity_item)



        policy: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.to_dict()

        scale: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.scale, Unset):
            scale = []
            for scale_item_data in self.scale:
                scale_item = scale_item_data.to_dict()
                scale.append(scale_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if policy is not UNSET:
            field_dict["policy"] = policy
        if scale is not UNSET:
            field_dict["scale"] = scale

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capacity_override import CapacityOverride # noqa: PLC0415
        from ..models.policy_override import PolicyOverride # noqa: PLC0415
        from ..models.scale_override import ScaleOverride # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        _capacity = d.pop("capacity", UNSET)
        capacity: list[CapacityOverride] | Unset = UNSET
        if _capacity is not UNSET:
            capacity = []
            for capacity_item_data in _capacity:
                capacity_item = CapacityOverride.from_dict(capacity_item_data)



                capacity.append(capacity_item)


        _policy = d.pop("policy", UNSET)
        policy: PolicyOverride | Unset
        if isinstance(_policy,  Unset):
            policy = UNSET
        else:
            policy = PolicyOverride.from_dict(_policy)




        _scale = d.pop("scale", UNSET)
        scale: list[ScaleOverride] | Unset = UNSET
        if _scale is not UNSET:
            scale = []
            for scale_item_data in _scale:
                scale_item = ScaleOverride.from_dict(scale_item_data)



                scale.append(scale_item)


        simulate = cls(
            name=name,
            capacity=capacity,
            policy=policy,
            scale=scale,
        )

        return simulate

