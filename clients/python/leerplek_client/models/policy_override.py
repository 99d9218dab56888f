from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.policy_override_objective import PolicyOverrideObjective
from ..types import UNSET, Unset






T = TypeVar("T", bound="PolicyOverride")



@_attrs_define
class PolicyOverride:
    """ 
        Attributes:
            max_preferences (int | Unset):
            objective (PolicyOverrideObjective | Unset):
            place_unranked (bool | Unset):
            priority_first (bool | Unset):
            seed (int | Unset):
            time_limit_s (float | Unset):
     """

    max_preferences: int | Unset = UNSET
    objective: PolicyOverrideObjective | Unset = UNSET
    place_unranked: bool | Unset = UNSET
    priority_first: bool | Unset = UNSET
    seed: int | Unset = UNSET
    time_limit_s: float | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        max_preferences = self.max_preferences

        objective: str | Unset = UNSET
        if not isinstance(self.objective, Unset):
            objective = self.objective.value


        place_unranked = self.place_unranked

        priority_first = self.priority_first

        seed = self.seed

        time_limit_s = self.time_limit_s


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if max_preferences is not UNSET:
            field_dict["max_preferences"] = max_preferences
        if objective is not UNSET:
            field_dict["objective"] = objective
        if place_unranked is not UNSET:
            field_dict["place_unranked"] = place_unranked
        if priority_first is not UNSET:
            field_dict["priority_first"] = priority_first
        if seed is not UNSET:
            field_dict["seed"] = seed
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_preferences = d.pop("max_preferences", UNSET)

        _objective = d.pop("objective", UNSET)
        objective: PolicyOverrideObjective | Unset
        if isinstance(_objective,  Unset):
            objective = UNSET
        else:
            objective = PolicyOverrideObjective(_objective)




        place_unranked = d.pop("place_unranked", UNSET)

        priority_first = d.pop("priority_first", UNSET)

        seed = d.pop("seed", UNSET)

        time_limit_s = d.pop("time_limit_s", UNSET)

        policy_override = cls(
            max_preferences=max_preferences,
            objective=objective,
            place_unranked=place_unranked,
            priority_first=priority_first,
            seed=seed,
            time_limit_s=time_limit_s,
        )

        return policy_override

