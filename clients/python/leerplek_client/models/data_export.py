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
  from ..models.audit_event import AuditEvent
  from ..models.exported_assignment import ExportedAssignment
  from ..models.exported_pok import ExportedPok
  from ..models.exported_preferences import ExportedPreferences
  from ..models.exported_student import ExportedStudent
  from ..models.message import Message
  from ..models.token import Token





T = TypeVar("T", bound="DataExport")



@_attrs_define
class DataExport:
    """ 
        Attributes:
            assignments (list[ExportedAssignment] | Unset):
            audit_events (list[AuditEvent] | Unset):
            exported_at (datetime.datetime | Unset):
            format_ (str | Unset): leerplek-data-export/1
            messages (list[Message] | Unset):
            praktijkovereenkomsten (list[ExportedPok] | Unset):
            preferences (list[ExportedPreferences] | Unset):
            student (ExportedStudent | Unset):
            tokens (list[Token] | Unset):
     """

    assignments: list[ExportedAssignment] | Unset = UNSET
    audit_events: list[AuditEvent] | Unset = UNSET
    exported_at: datetime.datetime | Unset = UNSET
    format_: str | Unset = UNSET
    messages: list[Message] | Unset = UNSET
    praktijkovereenkomsten: list[ExportedPok] | Unset = UNSET
    preferences: list[ExportedPreferences] | Unset = UNSET
    student: ExportedStudent | Unset = UNSET
    tokens: list[Token] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_event import AuditEvent # noqa: PLC0415
        from ..models.exported_assignment import ExportedAssignment # noqa: PLC0415
        from ..models.exported_pok import ExportedPok # noqa: PLC0415
        from ..models.exported_preferences import ExportedPreferences # noqa: PLC0415
        from ..models.exported_student import ExportedStudent # noqa: PLC0415
        from ..models.message import Message # noqa: PLC0415
        from ..models.token import Token # noqa: PLC0415
        assignments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.assignments, Unset):
            assignments = []
            for assignments_item_data in self.assignments:
                assignments_item = assignments_item_data.to_dict()
                assignments.append(assignments_item)



        audit_events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.audit_events, Unset):
            audit_events = []
            for audit_events_item_data in self.audit_events:
                audit_events_item = audit_events_item_data.to_dict()
                audit_events.append(audit_events_item)



        exported_at: str | Unset = UNSET
        if not isinstance(self.exported_at, Unset):
            exported_at = self.exported_at.isoformat()

        format_ = self.format_

        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)



        praktijkovereenkomsten: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.praktijkovereenkomsten, Unset):
            praktijkovereenkomsten = []
            for praktijkovereenkomsten_item_data in self.praktijkovereenkomsten:
                praktijkovereenkomsten_item = praktijkovereenkomsten_item_data.to_dict()
                praktijkovereenkomsten.append(praktijkovereenkomsten_item)



        preferences: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.preferences, Unset):
            preferences = []
            for preferences_item_data in self.preferences:
                preferences_item = preferences_item_data.to_dict()
                preferences.append(preferences_item)



        student: dict[str, Any] | Unset = UNSET
        if not isinstance(self.student, Unset):
            student = self.student.to_dict()

        tokens: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tokens, Unset):
            tokens = []
            for tokens_item_data in self.tokens:
                tokens_item = tokens_item_data.to_dict()
                tokens.append(tokens_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if assignments is not UNSET:
            field_dict["assignments"] = assignments
        if audit_events is not UNSET:
            field_dict["audit_events"] = audit_events
        if exported_at is not UNSET:
            field_dict["exported_at"] = exported_at
        if format_ is not UNSET:
            field_dict["format"] = format_
        if messages is not UNSET:
            field_dict["messages"] = messages
        if praktijkovereenkomsten is not UNSET:
            field_dict["praktijkovereenkomsten"] = praktijkovereenkomsten
        if preferences is not UNSET:
            field_dict["preferences"] = preferences
        if student is not UNSET:
            field_dict["student"] = student
        if tokens is not UNSET:
            field_dict["tokens"] = tokens

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event import AuditEvent # noqa: PLC0415
        from ..models.exported_assignment import ExportedAssignment # noqa: PLC0415
        from ..models.exported_pok import ExportedPok # noqa: PLC0415
        from ..models.exported_preferences import ExportedPreferences # noqa: PLC0415
        from ..models.exported_student import ExportedStudent # noqa: PLC0415
        from ..models.message import Message # noqa: PLC0415
        from ..models.token import Token # noqa: PLC0415
        d = dict(src_dict)
        _assignments = d.pop("assignments", UNSET)
        assignments: list[ExportedAssignment] | Unset = UNSET
        if _assignments is not UNSET:
            assignments = []
            for assignments_item_data in _assignments:
                assignments_item = ExportedAssignment.from_dict(assignments_item_data)



                assignments.append(assignments_item)


        _audit_events = d.pop("audit_events", UNSET)
        audit_events: list[AuditEvent] | Unset = UNSET
        if _audit_events is not UNSET:
            audit_events = []
            for audit_events_item_data in _audit_events:
                audit_events_item = AuditEvent.from_dict(audit_events_item_data)



                audit_events.append(audit_events_item)


        _exported_at = d.pop("exported_at", UNSET)
        exported_at: datetime.datetime | Unset
        if isinstance(_exported_at,  Unset):
            exported_at = UNSET
        else:
            exported_at = datetime.datetime.fromisoformat(_exported_at)




        format_ = d.pop("format", UNSET)

        _messages = d.pop("messages", UNSET)
        messages: list[Message] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = Message.from_dict(messages_item_data)



                messages.append(messages_item)


        _praktijkovereenkomsten = d.pop("praktijkovereenkomsten", UNSET)
        praktijkovereenkomsten: list[ExportedPok] | Unset = UNSET
        if _praktijkovereenkomsten is not UNSET:
            praktijkovereenkomsten = []
            for praktijkovereenkomsten_item_data in _praktijkovereenkomsten:
                praktijkovereenkomsten_item = ExportedPok.from_dict(praktijkovereenkomsten_item_data)



                praktijkovereenkomsten.append(praktijkovereenkomsten_item)


        _preferences = d.pop("preferences", UNSET)
        preferences: list[ExportedPreferences] | Unset = UNSET
        if _preferences is not UNSET:
            preferences = []
            for preferences_item_data in _preferences:
                preferences_item = ExportedPreferences.from_dict(preferences_item_data)



                preferences.append(preferences_item)


        _student = d.pop("student", UNSET)
        student: ExportedStudent | Unset
        if isinstance(_student,  Unset):
            student = UNSET
        else:
            student = ExportedStudent.from_dict(_student)




        _tokens = d.pop("tokens", UNSET)
        tokens: list[Token] | Unset = UNSET
        if _tokens is not UNSET:
            tokens = []
            for tokens_item_data in _tokens:
                tokens_item = Token.from_dict(tokens_item_data)



                tokens.append(tokens_item)


        data_export = cls(
            assignments=assignments,
            audit_events=audit_events,
            exported_at=exported_at,
            format_=format_,
            messages=messages,
            praktijkovereenkomsten=praktijkovereenkomsten,
            preferences=preferences,
            student=student,
            tokens=tokens,
        )

        return data_export

