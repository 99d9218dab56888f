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
  from ..models.scenario_overrides import ScenarioOverrides
  from ..models.scenario_report import ScenarioReport





T = TypeVar("T", bound="Scenario")



@_attrs_define
class Scenario:
    """ 
        Attributes:
            created_at (datetime.datetime | Unset):
            id (int | Unset):
            job_id (int | Unset):
            name (str | Unset):
            overrides (ScenarioOverrides | Unset):
            report (ScenarioReport | Unset): status, stats, shortage, unassigned count and per-sector capacity and placed
            round_id (int | Unset):
     """

    created_at: datetime.datetime | Unset = UNSET
    id: int | Unset = UNSET
    job_id: int | Unset = UNSET
    name: str | Unset = UNSET
    overrides: ScenarioOverrides | Unset = UNSET
    report: ScenarioReport | Unset = UNSET
    round_id: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.scenario_overrides import ScenarioOverrides # noqa: PLC0415
        from ..models.scenario_report import ScenarioReport # noqa: PLC0415
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        id = self.id

        job_id = self.job_id

        name = self.name

        overrides: dict[str, Any] | Unset = UNSET
        if not isinstance(self.overrides, Unset):
            overrides = self.overrides.to_dict()

        report: dict[str, Any] | Unset = UNSET
        if not isinstance(self.report, Unset):
            report = self.report.to_dict()

        round_id = self.round_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if id is not UNSET:
            field_dict["id"] = id
        if job_id is not UNSET:
            field_dict["job_id"] = job_id
        if name is not UNSET:
            field_dict["name"] = name
        if overrides is not UNSET:
            field_dict["overrides"] = overrides
        if report is not UNSET:
            field_dict["report"] = report
        if round_id is not UNSET:
            field_dict["round_id"] = round_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scenario_overrides import ScenarioOverrides # noqa: PLC0415
        from ..models.scenario_report import ScenarioReport # noqa: PLC0415
        d = dict(src_dict)
        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        id = d.pop("id", UNSET)

        job_id = d.pop("job_id", UNSET)

        name = d.pop("name", UNSET)

        _overrides = d.pop("overrides", UNSET)
        overrides: ScenarioOverrides | Unset
        if isinstance(_overrides,  Unset):
            overrides = UNSET
        else:
            overrides = ScenarioOverrides.from_dict(_overrides)




        _report = d.pop("report", UNSET)
        report: ScenarioReport | Unset
        if isinstance(_report,  Unset):
            report = UNSET
        else:
            report = ScenarioReport.from_dict(_report)




        round_id = d.pop("round_id", UNSET)

        scenario = cls(
            created_at=created_at,
            id=id,
            job_id=job_id,
            name=name,
            overrides=overrides,
            report=report,
            round_id=round_id,
        )

        return scenario

