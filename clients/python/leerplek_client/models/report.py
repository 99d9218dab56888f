from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.report_scope import ReportScope
  from ..models.report_shortage_item import ReportShortageItem
  from ..models.report_stats import ReportStats
  from ..models.report_unassigned_item import ReportUnassignedItem





T = TypeVar("T", bound="Report")



@_attrs_define
class Report:
    """ 
        Attributes:
            message (str | Unset):
            proven (bool | Unset):
            scope (ReportScope | Unset): a coordinator's own students only: students, placed, kept, unplaced, rank_profile,
                mean_rank (absent for admins)
            shortage (list[ReportShortageItem] | Unset):
            stats (ReportStats | Unset):
            status (str | Unset):
            unassigned (list[ReportUnassignedItem] | Unset):
            warnings (int | Unset):
     """

    message: str | Unset = UNSET
    proven: bool | Unset = UNSET
    scope: ReportScope | Unset = UNSET
    shortage: list[ReportShortageItem] | Unset = UNSET
    stats: ReportStats | Unset = UNSET
    status: str | Unset = UNSET
    unassigned: list[ReportUnassignedItem] | Unset = UNSET
    warnings: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.report_scope import ReportScope # noqa: PLC0415
        from ..models.report_shortage_item import ReportShortageItem # noqa: PLC0415
        from ..models.report_stats import ReportStats # noqa: PLC0415
        from ..models.report_unassigned_item import ReportUnassignedItem # noqa: PLC0415
        message = self.message

        proven = self.proven

        scope: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope.to_dict()

        shortage: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.shortage, Unset):
            shortage = []
            for shortage_item_data in self.shortage:
                shortage_item = shortage_item_data.to_dict()
                shortage.append(shortage_item)



        stats: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stats, Unset):
            stats = self.stats.to_dict()

        status = self.status

        unassigned: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.unassigned, Unset):
            unassigned = []
            for unassigned_item_data in self.unassigned:
                unassigned_item = unassigned_item_data.to_dict()
                unassigned.append(unassigned_item)



        warnings = self.warnings


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if message is not UNSET:
            field_dict["message"] = message
        if proven is not UNSET:
            field_dict["proven"] = proven
        if scope is not UNSET:
            field_dict["scope"] = scope
        if shortage is not UNSET:
            field_dict["shortage"] = shortage
        if stats is not UNSET:
            field_dict["stats"] = stats
        if status is not UNSET:
            field_dict["status"] = status
        if unassigned is not UNSET:
            field_dict["unassigned"] = unassigned
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_scope import ReportScope # noqa: PLC0415
        from ..models.report_shortage_item import ReportShortageItem # noqa: PLC0415
        from ..models.report_stats import ReportStats # noqa: PLC0415
        from ..models.report_unassigned_item import ReportUnassignedItem # noqa: PLC0415
        d = dict(src_dict)
        message = d.pop("message", UNSET)

        proven = d.pop("proven", UNSET)

        _scope = d.pop("scope", UNSET)
        scope: ReportScope | Unset
        if isinstance(_scope,  Unset):
            scope = UNSET
        else:
            scope = ReportScope.from_dict(_scope)




        _shortage = d.pop("shortage", UNSET)
        shortage: list[ReportShortageItem] | Unset = UNSET
        if _shortage is not UNSET:
            shortage = []
            for shortage_item_data in _shortage:
                shortage_item = ReportShortageItem.from_dict(shortage_item_data)



                shortage.append(shortage_item)


        _stats = d.pop("stats", UNSET)
        stats: ReportStats | Unset
        if isinstance(_stats,  Unset):
            stats = UNSET
        else:
            stats = ReportStats.from_dict(_stats)




        status = d.pop("status", UNSET)

        _unassigned = d.pop("unassigned", UNSET)
        unassigned: list[ReportUnassignedItem] | Unset = UNSET
        if _unassigned is not UNSET:
            unassigned = []
            for unassigned_item_data in _unassigned:
                unassigned_item = ReportUnassignedItem.from_dict(unassigned_item_data)



                unassigned.append(unassigned_item)


        warnings = d.pop("warnings", UNSET)

        report = cls(
            message=message,
            proven=proven,
            scope=scope,
            shortage=shortage,
            stats=stats,
            status=status,
            unassigned=unassigned,
            warnings=warnings,
        )

        return report

