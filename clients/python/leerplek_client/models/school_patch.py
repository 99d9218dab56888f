from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SchoolPatch")



@_attrs_define
class SchoolPatch:
    """ 
        Attributes:
            code (str | Unset): BRIN or short code, unique
            contact_email (None | str | Unset):
            contact_name (None | str | Unset): the bpv coordinator companies with a proposed student call
            contact_phone (None | str | Unset):
            id (int | Unset):
            main_place (None | str | Unset):
            name (str | Unset):
            region (str | Unset):
            size (int | None | Unset): approximate number of students
     """

    code: str | Unset = UNSET
    contact_email: None | str | Unset = UNSET
    contact_name: None | str | Unset = UNSET
    contact_phone: None | str | Unset = UNSET
    id: int | Unset = UNSET
    main_place: None | str | Unset = UNSET
    name: str | Unset = UNSET
    region: str | Unset = UNSET
    size: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        contact_email: None | str | Unset
        if isinstance(self.contact_email, Unset):
            contact_email = UNSET
        else:
            contact_email = self.contact_email

        contact_name: None | str | Unset
        if isinstance(self.contact_name, Unset):
            contact_name = UNSET
        else:
            contact_name = self.contact_name

        contact_phone: None | str | Unset
        if isinstance(self.contact_phone, Unset):
            contact_phone = UNSET
        else:
            contact_phone = self.contact_phone

        id = self.id

        main_place: None | str | Unset
        if isinstance(self.main_place, Unset):
            main_place = UNSET
        else:
            main_place = self.main_place

        name = self.name

        region = self.region

        size: int | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if code is not UNSET:
            field_dict["code"] = code
        if contact_email is not UNSET:
            field_dict["contact_email"] = contact_email
        if contact_name is not UNSET:
            field_dict["contact_name"] = contact_name
        if contact_phone is not UNSET:
            field_dict["contact_phone"] = contact_phone
        if id is not UNSET:
            field_dict["id"] = id
        if main_place is not UNSET:
            field_dict["main_place"] = main_place
        if name is not UNSET:
            field_dict["name"] = name
        if region is not UNSET:
            field_dict["region"] = region
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        def _parse_contact_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_email = _parse_contact_email(d.pop("contact_email", UNSET))


        def _parse_contact_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_name = _parse_contact_name(d.pop("contact_name", UNSET))


        def _parse_contact_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_phone = _parse_contact_phone(d.pop("contact_phone", UNSET))


        id = d.pop("id", UNSET)

        def _parse_main_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        main_place = _parse_main_place(d.pop("main_place", UNSET))


        name = d.pop("name", UNSET)

        region = d.pop("region", UNSET)

        def _parse_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size = _parse_size(d.pop("size", UNSET))


        school_patch = cls(
            code=code,
            contact_email=contact_email,
            contact_name=contact_name,
            contact_phone=contact_phone,
            id=id,
            main_place=main_place,
            name=name,
            region=region,
            size=size,
        )

        return school_patch

