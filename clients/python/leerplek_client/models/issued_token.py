from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.issued_token_role import IssuedTokenRole
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="IssuedToken")



@_attrs_define
class IssuedToken:
    """ 
        Attributes:
            role (IssuedTokenRole):
            created_at (datetime.datetime | Unset):
            expires_at (datetime.datetime | None | Unset): when the token stops working (in the future when issued); null:
                until revoked
            id (int | Unset):
            purpose (str | Unset): api: a bearer token; session: a person's web sign-in (revoking it signs them out; the API
                never accepts it)
            revoked_at (datetime.datetime | None | Unset):
            scope (str | Unset): school:<id> or region:<name> (coordinator), company:<id>, student:<id>; empty for admin
                Default: ''.
            token (str | Unset): the bearer token: shown this once only
     """

    role: IssuedTokenRole
    created_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    id: int | Unset = UNSET
    purpose: str | Unset = UNSET
    revoked_at: datetime.datetime | None | Unset = UNSET
    scope: str | Unset = ''
    token: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        role = self.role.value

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        purpose = self.purpose

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        scope = self.scope

        token = self.token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "role": role,
        })
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if id is not UNSET:
            field_dict["id"] = id
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at
        if scope is not UNSET:
            field_dict["scope"] = scope
        if token is not UNSET:
            field_dict["token"] = token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = IssuedTokenRole(d.pop("role"))




        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        id = d.pop("id", UNSET)

        purpose = d.pop("purpose", UNSET)

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)



                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))


        scope = d.pop("scope", UNSET)

        token = d.pop("token", UNSET)

        issued_token = cls(
            role=role,
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            purpose=purpose,
            revoked_at=revoked_at,
            scope=scope,
            token=token,
        )

        return issued_token

