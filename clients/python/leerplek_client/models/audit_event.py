from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.audit_event_after_type_0 import AuditEventAfterType0
  from ..models.audit_event_before_type_0 import AuditEventBeforeType0





T = TypeVar("T", bound="AuditEvent")



@_attrs_define
class AuditEvent:
    """ 
        Attributes:
            action (str | Unset): entity.verb, e.g. round.publish
            actor_role (str | Unset): a role, or system
            actor_scope (str | Unset):
            actor_surface (None | str | Unset): where the actor came in: api, or a web surface such as staff; null for the
                system
            actor_token_id (int | None | Unset): null for the system
            after (AuditEventAfterType0 | None | Unset): the changed fields' new values
            at (datetime.datetime | Unset):
            before (AuditEventBeforeType0 | None | Unset): the changed fields' old values
            entity_id (int | None | Unset):
            entity_type (str | Unset):
            id (int | Unset):
            region (None | str | Unset):
            round_id (int | None | Unset):
            school_id (int | None | Unset):
     """

    action: str | Unset = UNSET
    actor_role: str | Unset = UNSET
    actor_scope: str | Unset = UNSET
    actor_surface: None | str | Unset = UNSET
    actor_token_id: int | None | Unset = UNSET
    after: AuditEventAfterType0 | None | Unset = UNSET
    at: datetime.datetime | Unset = UNSET
    before: AuditEventBeforeType0 | None | Unset = UNSET
    entity_id: int | None | Unset = UNSET
    entity_type: str | Unset = UNSET
    id: int | Unset = UNSET
    region: None | str | Unset = UNSET
    round_id: int | None | Unset = UNSET
    school_id: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_event_after_type_0 import AuditEventAfterType0 # noqa: PLC0415
        from ..models.audit_event_before_type_0 import AuditEventBeforeType0 # noqa: PLC0415
        action = self.action

        actor_role = self.actor_role

        actor_scope = self.actor_scope

        actor_surface: None | str | Unset
        if isinstance(self.actor_surface, Unset):
            actor_surface = UNSET
        else:
            actor_surface = self.actor_surface

        actor_token_id: int | None | Unset
        if isinstance(self.actor_token_id, Unset):
            actor_token_id = UNSET
        else:
            actor_token_id = self.actor_token_id

        after: dict[str, Any] | None | Unset
        if isinstance(self.after, Unset):
            after = UNSET
        elif isinstance(self.after, AuditEventAfterType0):
            after = self.after.to_dict()
        else:
            after = self.after

        at: str | Unset = UNSET
        if not isinstance(self.at, Unset):
            at = self.at.isoformat()

        before: dict[str, Any] | None | Unset
        if isinstance(self.before, Unset):
            before = UNSET
        elif isinstance(self.before, AuditEventBeforeType0):
            before = self.before.to_dict()
        else:
            before = self.before

        entity_id: int | None | Unset
        if isinstance(self.entity_id, Unset):
            entity_id = UNSET
        else:
            entity_id = self.entity_id

        entity_type = self.entity_type

        id = self.id

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        round_id: int | None | Unset
        if isinstance(self.round_id, Unset):
            round_id = UNSET
        else:
            round_id = self.round_id

        school_id: int | None | Unset
        if isinstance(self.school_id, Unset):
            school_id = UNSET
        else:
            school_id = self.school_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if action is not UNSET:
            field_dict["action"] = action
        if actor_role is not UNSET:
            field_dict["actor_role"] = actor_role
        if actor_scope is not UNSET:
            field_dict["actor_scope"] = actor_scope
        if actor_surface is not UNSET:
            field_dict["actor_surface"] = actor_surface
        if actor_token_id is not UNSET:
            field_dict["actor_token_id"] = actor_token_id
        if after is not UNSET:
            field_dict["after"] = after
        if at is not UNSET:
            field_dict["at"] = at
        if before is not UNSET:
            field_dict["before"] = before
        if entity_id is not UNSET:
            field_dict["entity_id"] = entity_id
        if entity_type is not UNSET:
            field_dict["entity_type"] = entity_type
        if id is not UNSET:
            field_dict["id"] = id
        if region is not UNSET:
            field_dict["region"] = region
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if school_id is not UNSET:
            field_dict["school_id"] = school_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_after_type_0 import AuditEventAfterType0 # noqa: PLC0415
        from ..models.audit_event_before_type_0 import AuditEventBeforeType0 # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action", UNSET)

        actor_role = d.pop("actor_role", UNSET)

        actor_scope = d.pop("actor_scope", UNSET)

        def _parse_actor_surface(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_surface = _parse_actor_surface(d.pop("actor_surface", UNSET))


        def _parse_actor_token_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        actor_token_id = _parse_actor_token_id(d.pop("actor_token_id", UNSET))


        def _parse_after(data: object) -> AuditEventAfterType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                after_type_0 = AuditEventAfterType0.from_dict(data)



                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEventAfterType0 | None | Unset, data)

        after = _parse_after(d.pop("after", UNSET))


        _at = d.pop("at", UNSET)
        at: datetime.datetime | Unset
        if isinstance(_at,  Unset):
            at = UNSET
        else:
            at = datetime.datetime.fromisoformat(_at)




        def _parse_before(data: object) -> AuditEventBeforeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = AuditEventBeforeType0.from_dict(data)



                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEventBeforeType0 | None | Unset, data)

        before = _parse_before(d.pop("before", UNSET))


        def _parse_entity_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        entity_id = _parse_entity_id(d.pop("entity_id", UNSET))


        entity_type = d.pop("entity_type", UNSET)

        id = d.pop("id", UNSET)

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        def _parse_round_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        round_id = _parse_round_id(d.pop("round_id", UNSET))


        def _parse_school_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        school_id = _parse_school_id(d.pop("school_id", UNSET))


        audit_event = cls(
            action=action,
            actor_role=actor_role,
            actor_scope=actor_scope,
            actor_surface=actor_surface,
            actor_token_id=actor_token_id,
            after=after,
            at=at,
            before=before,
            entity_id=entity_id,
            entity_type=entity_type,
            id=id,
            region=region,
            round_id=round_id,
            school_id=school_id,
        )

        return audit_event

