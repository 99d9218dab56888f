from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.comparison_current import ComparisonCurrent
  from ..models.comparison_delta import ComparisonDelta
  from ..models.comparison_scenario import ComparisonScenario
  from ..models.comparison_sectors_item import ComparisonSectorsItem





T = TypeVar("T", bound="Comparison")



@_attrs_define
class Comparison:
    """ 
        Attributes:
            current (ComparisonCurrent | Unset): students, placed, placed_priority, kept (from an earlier round),
                placed_share, rank_profile, mean_rank
            delta (ComparisonDelta | Unset): scenario minus current
            name (str | Unset):
            round_id (int | Unset):
            scenario (ComparisonScenario | Unset): the same figures for the scenario
            scenario_id (int | Unset):
            sectors (list[ComparisonSectorsItem] | Unset): per sector: capacity, placed and fill in both, placed_delta
     """

    current: ComparisonCurrent | Unset = UNSET
    delta: ComparisonDelta | Unset = UNSET
    name: str | Unset = UNSET
    round_id: int | Unset = UNSET
    scenario: ComparisonScenario | Unset = UNSET
    scenario_id: int | Unset = UNSET
    sectors: list[ComparisonSectorsItem] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.comparison_current import ComparisonCurrent # noqa: PLC0415
        from ..models.comparison_delta import ComparisonDelta # noqa: PLC0415
        from ..models.comparison_scenario import ComparisonScenario # noqa: PLC0415
        from ..models.comparison_sectors_item import ComparisonSectorsItem # noqa: PLC0415
        current: dict[str, Any] | Unset = UNSET
        if not isinstance(self.current, Unset):
            current = self.current.to_dict()

        delta: dict[str, Any] | Unset = UNSET
        if not isinstance(self.delta, Unset):
            delta = self.delta.to_dict()

        name = self.name

        round_id = self.round_id

        scenario: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scenario, Unset):
            scenario = self.scenario.to_dict()

        scenario_id = self.scenario_id

        sectors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sectors, Unset):
            sectors = []
            for sectors_item_data in self.sectors:
                sectors_item = sectors_item_data.to_dict()
                sectors.append(sectors_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if current is not UNSET:
            field_dict["current"] = current
        if delta is not UNSET:
            field_dict["delta"] = delta
        if name is not UNSET:
            field_dict["name"] = name
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if scenario is not UNSET:
            field_dict["scenario"] = scenario
        if scenario_id is not UNSET:
            field_dict["scenario_id"] = scenario_id
        if sectors is not UNSET:
            field_dict["sectors"] = sectors

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comparison_current import ComparisonCurrent # noqa: PLC0415
        from ..models.comparison_delta import ComparisonDelta # noqa: PLC0415
        from ..models.comparison_scenario import ComparisonScenario # noqa: PLC0415
        from ..models.comparison_sectors_item import ComparisonSectorsItem # noqa: PLC0415
        d = dict(src_dict)
        _current = d.pop("current", UNSET)
        current: ComparisonCurrent | Unset
        if isinstance(_current,  Unset):
            current = UNSET
        else:
            current = ComparisonCurrent.from_dict(_current)




        _delta = d.pop("delta", UNSET)
        delta: ComparisonDelta | Unset
        if isinstance(_delta,  Unset):
            delta = UNSET
        else:
            delta = ComparisonDelta.from_dict(_delta)




        name = d.pop("name", UNSET)

        round_id = d.pop("round_id", UNSET)

        _scenario = d.pop("scenario", UNSET)
        scenario: ComparisonScenario | Unset
        if isinstance(_scenario,  Unset):
            scenario = UNSET
        else:
            scenario = ComparisonScenario.from_dict(_scenario)




        scenario_id = d.pop("scenario_id", UNSET)

        _sectors = d.pop("sectors", UNSET)
        sectors: list[ComparisonSectorsItem] | Unset = UNSET
        if _sectors is not UNSET:
            sectors = []
            for sectors_item_data in _sectors:
                sectors_item = ComparisonSectorsItem.from_dict(sectors_item_data)



                sectors.append(sectors_item)


        comparison = cls(
            current=current,
            delta=delta,
            name=name,
            round_id=round_id,
            scenario=scenario,
            scenario_id=scenario_id,
            sectors=sectors,
        )

        return comparison

