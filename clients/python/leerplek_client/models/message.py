from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Message")



@_attrs_define
class Message:
    """ 
        Attributes:
            attempts (int | Unset):
            company_id (int | None | Unset):
            created_at (datetime.datetime | Unset):
            id (int | Unset):
            kind (str | Unset): round_opened, lists_reminder, results_published, consent_requested, answer_due or pok_ready
            last_error (None | str | Unset): why the last attempt failed
            next_attempt_at (datetime.datetime | None | Unset):
            recipient (str | Unset):
            round_id (int | None | Unset):
            sent_at (datetime.datetime | None | Unset):
            status (str | Unset): queued, sent, or failed (tried again at next_attempt_at; null: given up)
            student_id (int | None | Unset):
            subject (str | Unset):
     """

    attempts: int | Unset = UNSET
    company_id: int | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    id: int | Unset = UNSET
    kind: str | Unset = UNSET
    last_error: None | str | Unset = UNSET
    next_attempt_at: datetime.datetime | None | Unset = UNSET
    recipient: str | Unset = UNSET
    round_id: int | None | Unset = UNSET
    sent_at: datetime.datetime | None | Unset = UNSET
    status: str | Unset = UNSET
    student_id: int | None | Unset = UNSET
    subject: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        company_id: int | None | Unset
        if isinstance(self.company_id, Unset):
            company_id = UNSET
        else:
            company_id = self.company_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        id = self.id

        kind = self.kind

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        elif isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        recipient = self.recipient

        round_id: int | None | Unset
        if isinstance(self.round_id, Unset):
            round_id = UNSET
        else:
            round_id = self.round_id

        sent_at: None | str | Unset
        if isinstance(self.sent_at, Unset):
            sent_at = UNSET
        elif isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        status = self.status

        student_id: int | None | Unset
        if isinstance(self.student_id, Unset):
            student_id = UNSET
        else:
            student_id = self.student_id

        subject = self.subject


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if company_id is not UNSET:
            field_dict["company_id"] = company_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if id is not UNSET:
            field_dict["id"] = id
        if kind is not UNSET:
            field_dict["kind"] = kind
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at
        if recipient is not UNSET:
            field_dict["recipient"] = recipient
        if round_id is not UNSET:
            field_dict["round_id"] = round_id
        if sent_at is not UNSET:
            field_dict["sent_at"] = sent_at
        if status is not UNSET:
            field_dict["status"] = status
        if student_id is not UNSET:
            field_dict["student_id"] = student_id
        if subject is not UNSET:
            field_dict["subject"] = subject

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts", UNSET)

        def _parse_company_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        company_id = _parse_company_id(d.pop("company_id", UNSET))


        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        id = d.pop("id", UNSET)

        kind = d.pop("kind", UNSET)

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_next_attempt_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)



                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at", UNSET))


        recipient = d.pop("recipient", UNSET)

        def _parse_round_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        round_id = _parse_round_id(d.pop("round_id", UNSET))


        def _parse_sent_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)



                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sent_at = _parse_sent_at(d.pop("sent_at", UNSET))


        status = d.pop("status", UNSET)

        def _parse_student_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        student_id = _parse_student_id(d.pop("student_id", UNSET))


        subject = d.pop("subject", UNSET)

        message = cls(
            attempts=attempts,
            company_id=company_id,
            created_at=created_at,
            id=id,
            kind=kind,
            last_error=last_error,
            next_attempt_at=next_attempt_at,
            recipient=recipient,
            round_id=round_id,
            sent_at=sent_at,
            status=status,
            student_id=student_id,
            subject=subject,
        )

        return message

