from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.agreement import Agreement
  from ..models.monitor_row import MonitorRow





T = TypeVar("T", bound="Monitor")



@_attrs_define
class Monitor:
    """ 
        Attributes:
            agreements (list[Agreement] | Unset):
            columns (list[str] | Unset):
            licence (str | Unset):
            rows (list[MonitorRow] | Unset):
            source (str | Unset):
            threshold (int | Unset): counts below this (and their complements) are suppressed
     """

    agreements: list[Agreement] | Unset = UNSET
    columns: list[str] | Unset = UNSET
    licence: str | Unset = UNSET
    rows: list[MonitorRow] | Unset = UNSET
    source: str | Unset = UNSET
    threshold: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.agreement import Agreement # noqa: PLC0415
        from ..models.monitor_row import MonitorRow # noqa: PLC0415
        agreements: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.agreements, Unset):
            agreements = []
            for agreements_item_data in self.agreements:
                agreements_item = agreements_item_data.to_dict()
                agreements.append(agreements_item)



        columns: list[str] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns



        licence = self.licence

        rows: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = rows_item_data.to_dict()
                rows.append(rows_item)



        source = self.source

        threshold = self.threshold


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if agreements is not UNSET:
            field_dict["agreements"] = agreements
        if columns is not UNSET:
            field_dict["columns"] = columns
        if licence is not UNSET:
            field_dict["licence"] = licence
        if rows is not UNSET:
            field_dict["rows"] = rows
        if source is not UNSET:
            field_dict["source"] = source
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agreement import Agreement # noqa: PLC0415
        from ..models.monitor_row import MonitorRow # noqa: PLC0415
        d = dict(src_dict)
        _agreements = d.pop("agreements", UNSET)
        agreements: list[Agreement] | Unset = UNSET
        if _agreements is not UNSET:
            agreements = []
            for agreements_item_data in _agreements:
                agreements_item = Agreement.from_dict(agreements_item_data)



                agreements.append(agreements_item)


        columns = cast(list[str], d.pop("columns", UNSET))


        licence = d.pop("licence", UNSET)

        _rows = d.pop("rows", UNSET)
        rows: list[MonitorRow] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = MonitorRow.from_dict(rows_item_data)



                rows.append(rows_item)


        source = d.pop("source", UNSET)

        threshold = d.pop("threshold", UNSET)

        monitor = cls(
            agreements=agreements,
            columns=columns,
            licence=licence,
            rows=rows,
            source=source,
            threshold=threshold,
        )

        return monitor

