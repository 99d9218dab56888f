from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.webhook_endpoint_events_item import WebhookEndpointEventsItem
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="WebhookEndpoint")



@_attrs_define
class WebhookEndpoint:
    """ 
        Attributes:
            url (str): https:// URL that receives a POST per event; not an address inside a private network
            active (bool | Unset): false after too many failed attempts (see disabled_reason) or by its owner; set true to
                enable it again
            company_id (int | None | Unset): the company whose events it receives (a company's token: itself); an admin's
                endpoint without company or school receives every event
            created_at (datetime.datetime | Unset):
            description (str | Unset):  Default: ''.
            disabled_reason (None | str | Unset):
            events (list[WebhookEndpointEventsItem] | Unset): events to receive; all when left out: offer.listed,
                round.published, proposal.created, assignment.accepted, assignment.declined, pok.ready, round.follow_up_started
            failures (int | Unset): failed attempts in a row
            id (int | Unset):
            school_id (int | None | Unset): admins: the school whose systems receive the events of its rounds and students
     """

    url: str
    active: bool | Unset = UNSET
    company_id: int | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    description: str | Unset = ''
    disabled_reason: None | str | Unset = UNSET
    events: list[WebhookEndpointEventsItem] | Unset = UNSET
    failures: int | Unset = UNSET
    id: int | Unset = UNSET
    school_id: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        active = self.active

        company_id: int | None | Unset
        if isinstance(self.company_id, Unset):
            company_id = UNSET
        else:
            company_id = self.company_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        description = self.description

        disabled_reason: None | str | Unset
        if isinstance(self.disabled_reason, Unset):
            disabled_reason = UNSET
        else:
            disabled_reason = self.disabled_reason

        events: list[str] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.value
                events.append(events_item)



        failures = self.failures

        id = self.id

        school_id: int | None | Unset
        if isinstance(self.school_id, Unset):
            school_id = UNSET
        else:
            school_id = self.school_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if active is not UNSET:
            field_dict["active"] = active
        if company_id is not UNSET:
            field_dict["company_id"] = company_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if description is not UNSET:
            field_dict["description"] = description
        if disabled_reason is not UNSET:
            field_dict["disabled_reason"] = disabled_reason
        if events is not UNSET:
            field_dict["events"] = events
        if failures is not UNSET:
            field_dict["failures"] = failures
        if id is not UNSET:
            field_dict["id"] = id
        if school_id is not UNSET:
            field_dict["school_id"] = school_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        active = d.pop("active", UNSET)

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




        description = d.pop("description", UNSET)

        def _parse_disabled_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason", UNSET))


        _events = d.pop("events", UNSET)
        events: list[WebhookEndpointEventsItem] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = WebhookEndpointEventsItem(events_item_data)



                events.append(events_item)


        failures = d.pop("failures", UNSET)

        id = d.pop("id", UNSET)

        def _parse_school_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        school_id = _parse_school_id(d.pop("school_id", UNSET))


        webhook_endpoint = cls(
            url=url,
            active=active,
            company_id=company_id,
            created_at=created_at,
            description=description,
            disabled_reason=disabled_reason,
            events=events,
            failures=failures,
            id=id,
            school_id=school_id,
        )

        return webhook_endpoint

