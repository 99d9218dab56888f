from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Company")



@_attrs_define
class Company:
    """ 
        Attributes:
            kvk_number (str):
            name (str):
            email (None | str | Unset): optional contact address for messages (proposals awaiting consent, a POK ready to
                sign)
            id (int | Unset):
            qualifications (list[str] | Unset): crebo codes the company is recognised (erkend) for
            region (None | str | Unset):
     """

    kvk_number: str
    name: str
    email: None | str | Unset = UNSET
    id: int | Unset = UNSET
    qualifications: list[str] | Unset = UNSET
    region: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kvk_number = self.kvk_number

        name = self.name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        id = self.id

        qualifications: list[str] | Unset = UNSET
        if not isinstance(self.qualifications, Unset):
            qualifications = self.qualifications



        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kvk_number": kvk_number,
            "name": name,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if id is not UNSET:
            field_dict["id"] = id
        if qualifications is not UNSET:
            field_dict["qualifications"] = qualifications
        if region is not UNSET:
            field_dict["region"] = region

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kvk_number = d.pop("kvk_number")

        name = d.pop("name")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        id = d.pop("id", UNSET)

        qualifications = cast(list[str], d.pop("qualifications", UNSET))


        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        company = cls(
            kvk_number=kvk_number,
            name=name,
            email=email,
            id=id,
            qualifications=qualifications,
            region=region,
        )

        return company

