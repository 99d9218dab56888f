from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CompanyPatch")



@_attrs_define
class CompanyPatch:
    """ 
        Attributes:
            email (None | str | Unset): optional contact address for messages (proposals awaiting consent, a POK ready to
                sign)
            id (int | Unset):
            kvk_number (str | Unset):
            name (str | Unset):
            qualifications (list[str] | Unset): crebo codes the company is recognised (erkend) for
            region (None | str | Unset):
     """

    email: None | str | Unset = UNSET
    id: int | Unset = UNSET
    kvk_number: str | Unset = UNSET
    name: str | Unset = UNSET
    qualifications: list[str] | Unset = UNSET
    region: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        id = self.id

        kvk_number = self.kvk_number

        name = self.name

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
        })
        if email is not UNSET:
            field_dict["email"] = email
        if id is not UNSET:
            field_dict["id"] = id
        if kvk_number is not UNSET:
            field_dict["kvk_number"] = kvk_number
        if name is not UNSET:
            field_dict["name"] = name
        if qualifications is not UNSET:
            field_dict["qualifications"] = qualifications
        if region is not UNSET:
            field_dict["region"] = region

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        id = d.pop("id", UNSET)

        kvk_number = d.pop("kvk_number", UNSET)

        name = d.pop("name", UNSET)

        qualifications = cast(list[str], d.pop("qualifications", UNSET))


        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        company_patch = cls(
            email=email,
            id=id,
            kvk_number=kvk_number,
            name=name,
            qualifications=qualifications,
            region=region,
        )

        return company_patch

