from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.round_patch_no_response import RoundPatchNoResponse
from ..models.round_patch_objective import RoundPatchObjective
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="RoundPatch")



@_attrs_define
class RoundPatch:
    """ 
        Attributes:
            id (int | Unset):
            lists_by (datetime.datetime | None | Unset): the list deadline (no zone: UTC); students without a list are
                reminded by e-mail two days before it
            max_preferences (int | Unset):  Default: 10.
            name (str | Unset):
            no_response (RoundPatchNoResponse | Unset): what an unanswered proposal becomes at respond_by Default:
                RoundPatchNoResponse.DECLINE.
            objective (RoundPatchObjective | Unset):  Default: RoundPatchObjective.OPTIMAL.
            place_unranked (bool | Unset):  Default: False.
            priority_first (bool | Unset):  Default: True.
            region (None | str | Unset):
            respond_by (datetime.datetime | None | Unset): the answer deadline of the published proposals (no zone: UTC); at
                it, every unanswered one is settled by no_response
            school_id (int | None | Unset): set from a coordinator's token
            seed (int | Unset):  Default: 0.
            status (str | Unset):
            time_limit_s (float | Unset):  Default: 60.0.
     """

    id: int | Unset = UNSET
    lists_by: datetime.datetime | None | Unset = UNSET
    max_preferences: int | Unset = 10
    name: str | Unset = UNSET
    no_response: RoundPatchNoResponse | Unset = RoundPatchNoResponse.DECLINE
    objective: RoundPatchObjective | Unset = RoundPatchObjective.OPTIMAL
    place_unranked: bool | Unset = False
    priority_first: bool | Unset = True
    region: None | str | Unset = UNSET
    respond_by: datetime.datetime | None | Unset = UNSET
    school_id: int | None | Unset = UNSET
    seed: int | Unset = 0
    status: str | Unset = UNSET
    time_limit_s: float | Unset = 60.0





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        lists_by: None | str | Unset
        if isinstance(self.lists_by, Unset):
            lists_by = UNSET
        elif isinstance(self.lists_by, datetime.datetime):
            lists_by = self.lists_by.isoformat()
        else:
            lists_by = self.lists_by

        max_preferences = self.max_preferences

        name = self.name

        no_response: str | Unset = UNSET
        if not isinstance(self.no_response, Unset):
            no_response = self.no_response.value


        objective: str | Unset = UNSET
        if not isinstance(self.objective, Unset):
            objective = self.objective.value


        place_unranked = self.place_unranked

        priority_first = self.priority_first

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        respond_by: None | str | Unset
        if isinstance(self.respond_by, Unset):
            respond_by = UNSET
        elif isinstance(self.respond_by, datetime.datetime):
            respond_by = self.respond_by.isoformat()
        else:
            respond_by = self.respond_by

        school_id: int | None | Unset
        if isinstance(self.school_id, Unset):
            school_id = UNSET
        else:
            school_id = self.school_id

        seed = self.seed

        status = self.status

        time_limit_s = self.time_limit_s


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if lists_by is not UNSET:
            field_dict["lists_by"] = lists_by
        if max_preferences is not UNSET:
            field_dict["max_preferences"] = max_preferences
        if name is not UNSET:
            field_dict["name"] = name
        if no_response is not UNSET:
            field_dict["no_response"] = no_response
        if objective is not UNSET:
            field_dict["objective"] = objective
        if place_unranked is not UNSET:
            field_dict["place_unranked"] = place_unranked
        if priority_first is not UNSET:
            field_dict["priority_first"] = priority_first
        if region is not UNSET:
            field_dict["region"] = region
        if respond_by is not UNSET:
            field_dict["respond_by"] = respond_by
        if school_id is not UNSET:
            field_dict["school_id"] = school_id
        if seed is not UNSET:
            field_dict["seed"] = seed
        if status is not UNSET:
            field_dict["status"] = status
        if time_limit_s is not UNSET:
            field_dict["time_limit_s"] = time_limit_s

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        def _parse_lists_by(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lists_by_type_0 = datetime.datetime.fromisoformat(data)



                return lists_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        lists_by = _parse_lists_by(d.pop("lists_by", UNSET))


        max_preferences = d.pop("max_preferences", UNSET)

        name = d.pop("name", UNSET)

        _no_response = d.pop("no_response", UNSET)
        no_response: RoundPatchNoResponse | Unset
        if isinstance(_no_response,  Unset):
            no_response = UNSET
        else:
            no_response = RoundPatchNoResponse(_no_response)




        _objective = d.pop("objective", UNSET)
        objective: RoundPatchObjective | Unset
        if isinstance(_objective,  Unset):
            objective = UNSET
        else:
            objective = RoundPatchObjective(_objective)




        place_unranked = d.pop("place_unranked", UNSET)

        priority_first = d.pop("priority_first", UNSET)

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        def _parse_respond_by(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                respond_by_type_0 = datetime.datetime.fromisoformat(data)



                return respond_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        respond_by = _parse_respond_by(d.pop("respond_by", UNSET))


        def _parse_school_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        school_id = _parse_school_id(d.pop("school_id", UNSET))


        seed = d.pop("seed", UNSET)

        status = d.pop("status", UNSET)

        time_limit_s = d.pop("time_limit_s", UNSET)

        round_patch = cls(
            id=id,
            lists_by=lists_by,
            max_preferences=max_preferences,
            name=name,
            no_response=no_response,
            objective=objective,
            place_unranked=place_unranked,
            priority_first=priority_first,
            region=region,
            respond_by=respond_by,
            school_id=school_id,
            seed=seed,
            status=status,
            time_limit_s=time_limit_s,
        )

        return round_patch

