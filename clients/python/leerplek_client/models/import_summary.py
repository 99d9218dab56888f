from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ImportSummary")



@_attrs_define
class ImportSummary:
    """ 
        Attributes:
            created (int | Unset):
            ids (list[int] | Unset): one id per row, in order
            updated (int | Unset):
     """

    created: int | Unset = UNSET
    ids: list[int] | Unset = UNSET
    updated: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        created = self.created

        ids: list[int] | Unset = UNSET
        if not isinstance(self.ids, Unset):
            ids = self.ids



        updated = self.updated


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if created is not UNSET:
            field_dict["created"] = created
        if ids is not UNSET:
            field_dict["ids"] = ids
        if updated is not UNSET:
            field_dict["updated"] = updated

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created = d.pop("created", UNSET)

        ids = cast(list[int], d.pop("ids", UNSET))


        updated = d.pop("updated", UNSET)

        import_summary = cls(
            created=created,
            ids=ids,
            updated=updated,
        )

        return import_summary

