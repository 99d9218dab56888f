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
  from ..models.job_params_type_0 import JobParamsType0
  from ..models.job_result_type_0 import JobResultType0





T = TypeVar("T", bound="Job")



@_attrs_define
class Job:
    """ 
        Attributes:
            created_at (datetime.datetime | Unset):
            error (None | str | Unset): when failed: what went wrong
            finished_at (datetime.datetime | None | Unset):
            heartbeat_at (datetime.datetime | None | Unset): last sign of life of the process running the job
            id (int | Unset):
            kind (str | Unset): allocate or simulate
            params (JobParamsType0 | None | Unset): a what-if's name and overrides, as requested; null for allocate
            percent (int | Unset): 0–100: loading 0, solving 10–90, writing 90, done 100
            phase (str | Unset): queued, loading, solving, writing or done; a failed job keeps the phase it failed in
            requested_by (str | Unset): role and scope of the requester
            result (JobResultType0 | None | Unset): when finished: status, placed, placed_share, rank_profile, unassigned,
                timings (and scenario_id for a what-if)
            round_id (int | Unset):
            started_at (datetime.datetime | None | Unset):
            status (str | Unset): queued, running, finished or failed
            step (None | str | Unset): while solving: the engine's current stage (placed, rank_1, …)
            worker (None | str | Unset): where it runs: rq, thread or eager, then host and process id
     """

    created_at: datetime.datetime | Unset = UNSET
    error: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    heartbeat_at: datetime.datetime | None | Unset = UNSET
    id: int | Unset = UNSET
    kind: str | Unset = UNSET
    params: JobParamsType0 | None | Unset = UNSET
    percent: int | Unset = UNSET
    phase: str | Unset = UNSET
    requested_by: str | Unset = UNSET
    result: JobResultType0 | None | Unset = UNSET
    round_id: int | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    status: str | Unset = UNSET
    step: None | str | Unset = UNSET
    worker: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_params_type_0 import JobParamsType0 # noqa: PLC0415
        from ..models.job_result_type_0 import JobResultType0 # noqa: PLC0415
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        heartbeat_at: None | str | Unset
        if isinstance(self.heartbeat_at, Unset):
            heartbeat_at = UNSET
        elif isinstance(self.heartbeat_at, datetime.datetime):
            heartbeat_at = self.heartbeat_at.isoformat()
        else:
            heartbeat_at = self.heartbeat_at

        id = self.id

        kind = self.kind

        params: dict[str, Any] | None | Unset
        if isinstance(self.params, Unset):
            params = UNSET
        elif isinstance(self.params, JobParamsType0):
            params = self.params.to_dict()
        else:
            params = self.params

        percent = self.percent

        phase = self.phase

        requested_by = self.requested_by

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, JobResultType0):
            result = self.result.to_dict()
        else:
            result = self.result

        round_id = self.round_id

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        step: None | str | Unset
        if isinstance(self.step, Unset):
            step = UNSET
        else:
            step = self.step

        worker: None | str | Unset
        if isinstance(self.worker, Unset):
            worker = UNSET
        else:
            worker = self.worker


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if heartbeat_at is not UNSET:
            field_dict["heartbeat_at"] = heartbeat_at
        if id is not UNSET:
            field_dict["id"] = id
        if kind is not UNSET:
            field_dict["kind"] = kind
        if params is not UNSET:
            field_dict["params"] = params
        if percent is not UNSET:
            field_dict["percent"] = percent
        if phase is not UNSET:
            field_dict["phase"] = phase
        if requested_by is not UNSET:
            field_dict["requested_by"] = requested_by
        if result is not UNSET:
            field_dict["result"] = result
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status
        if step is not UNSET:
            field_dict["step"] = step
        if worker is not UNSET:
            field_dict["worker"] = worker

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_params_type_0 import JobParamsType0 # noqa: PLC0415
        from ..models.job_result_type_0 import JobResultType0 # noqa: PLC0415
        d = dict(src_dict)
        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))


        def _parse_heartbeat_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                heartbeat_at_type_0 = datetime.datetime.fromisoformat(data)



                return heartbeat_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        heartbeat_at = _parse_heartbeat_at(d.pop("heartbeat_at", UNSET))


        id = d.pop("id", UNSET)

        kind = d.pop("kind", UNSET)

        def _parse_params(data: object) -> JobParamsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                params_type_0 = JobParamsType0.from_dict(data)



                return params_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobParamsType0 | None | Unset, data)

        params = _parse_params(d.pop("params", UNSET))


        percent = d.pop("percent", UNSET)

        phase = d.pop("phase", UNSET)

        requested_by = d.pop("requested_by", UNSET)

        def _parse_result(data: object) -> JobResultType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = JobResultType0.from_dict(data)



                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobResultType0 | None | Unset, data)

        result = _parse_result(d.pop("result", UNSET))


        round_id = d.pop("round_id", UNSET)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))


        status = d.pop("status", UNSET)

        def _parse_step(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        step = _parse_step(d.pop("step", UNSET))


        def _parse_worker(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker = _parse_worker(d.pop("worker", UNSET))


        job = cls(
            created_at=created_at,
            error=error,
            finished_at=finished_at,
            heartbeat_at=heartbeat_at,
            id=id,
            kind=kind,
            params=params,
            percent=percent,
            phase=phase,
            requested_by=requested_by,
            result=result,
            round_id=round_id,
            started_at=started_at,
            status=status,
            step=step,
            worker=worker,
        )

        return job

