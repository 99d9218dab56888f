from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ScaleOverride")



@_attrs_define
class ScaleOverride:
    """ 
        Attributes:
            factor (float): multiplies the capacity of the offers matching sector and region (both optional), rounded to
                whole seats
            region (None | str | Unset):
            sector (None | str | Unset):
     """

    factor: float
    region: None | str | Unset = UNSET
    sector: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        factor = self.factor

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        sector: None | str | Unset
        if isinstance(self.sector, Unset):
            sector = UNSET
        else:
            sector = self.sector


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "factor": factor,
        })
        if region is not UNSET:
            field_dict["region"] = region
        if sector is not UNSET:
            field_dict["sector"] = sector

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        factor = d.pop("factor")

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))


        def _parse_sector(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sector = _parse_sector(d.pop("sector", UNSET))


        scale_override = cls(
            factor=factor,
            region=region,
            sector=sector,
        )

        return scale_override

