from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="FieldError")



@_attrs_define
class FieldError:
    """ 
        Attributes:
            field (str | Unset): dotted path of the offending input
            location (str | Unset): json, query, path or header
            message (str | Unset):
     """

    field: str | Unset = UNSET
    location: str | Unset = UNSET
    message: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        field = self.field

        location = self.location

        message = self.message


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if field is not UNSET:
            field_dict["field"] = field
        if location is not UNSET:
            field_dict["location"] = location
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field", UNSET)

        location = d.pop("location", UNSET)

        message = d.pop("message", UNSET)

        field_error = cls(
            field=field,
            location=location,
            message=message,
        )

        return field_error

