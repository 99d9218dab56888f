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
  from ..models.webhook_delivery_payload import WebhookDeliveryPayload





T = TypeVar("T", bound="WebhookDelivery")



@_attrs_define
class WebhookDelivery:
    """ 
        Attributes:
            attempts (int | Unset):
            created_at (datetime.datetime | Unset):
            delivered_at (datetime.datetime | None | Unset):
            endpoint_id (int | Unset):
            event (str | Unset):
            id (int | Unset):
            last_error (None | str | Unset):
            last_status_code (int | None | Unset):
            message_id (str | Unset): the webhook-id header: the same on every attempt and replay
            next_attempt_at (datetime.datetime | None | Unset):
            payload (WebhookDeliveryPayload | Unset): the body sent
            status (str | Unset): pending, sending, delivered or failed
     """

    attempts: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    delivered_at: datetime.datetime | None | Unset = UNSET
    endpoint_id: int | Unset = UNSET
    event: str | Unset = UNSET
    id: int | Unset = UNSET
    last_error: None | str | Unset = UNSET
    last_status_code: int | None | Unset = UNSET
    message_id: str | Unset = UNSET
    next_attempt_at: datetime.datetime | None | Unset = UNSET
    payload: WebhookDeliveryPayload | Unset = UNSET
    status: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.webhook_delivery_payload import WebhookDeliveryPayload # noqa: PLC0415
        attempts = self.attempts

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        delivered_at: None | str | Unset
        if isinstance(self.delivered_at, Unset):
            delivered_at = UNSET
        elif isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        endpoint_id = self.endpoint_id

        event = self.event

        id = self.id

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        last_status_code: int | None | Unset
        if isinstance(self.last_status_code, Unset):
            last_status_code = UNSET
        else:
            last_status_code = self.last_status_code

        message_id = self.message_id

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        elif isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        payload: dict[str, Any] | Unset = UNSET
        if not isinstance(self.payload, Unset):
            payload = self.payload.to_dict()

        status = self.status


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if delivered_at is not UNSET:
            field_dict["delivered_at"] = delivered_at
        if endpoint_id is not UNSET:
            field_dict["endpoint_id"] = endpoint_id
        if event is not UNSET:
            field_dict["event"] = event
        if id is not UNSET:
            field_dict["id"] = id
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if last_status_code is not UNSET:
            field_dict["last_status_code"] = last_status_code
        if message_id is not UNSET:
            field_dict["message_id"] = message_id
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at
        if payload is not UNSET:
            field_dict["payload"] = payload
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_delivery_payload import WebhookDeliveryPayload # noqa: PLC0415
        d = dict(src_dict)
        attempts = d.pop("attempts", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        def _parse_delivered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)



                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at", UNSET))


        endpoint_id = d.pop("endpoint_id", UNSET)

        event = d.pop("event", UNSET)

        id = d.pop("id", UNSET)

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_last_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_status_code = _parse_last_status_code(d.pop("last_status_code", UNSET))


        message_id = d.pop("message_id", UNSET)

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


        _payload = d.pop("payload", UNSET)
        payload: WebhookDeliveryPayload | Unset
        if isinstance(_payload,  Unset):
            payload = UNSET
        else:
            payload = WebhookDeliveryPayload.from_dict(_payload)




        status = d.pop("status", UNSET)

        webhook_delivery = cls(
            attempts=attempts,
            created_at=created_at,
            delivered_at=delivered_at,
            endpoint_id=endpoint_id,
            event=event,
            id=id,
            last_error=last_error,
            last_status_code=last_status_code,
            message_id=message_id,
            next_attempt_at=next_attempt_at,
            payload=payload,
            status=status,
        )

        return webhook_delivery

