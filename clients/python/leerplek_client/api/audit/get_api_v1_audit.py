from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_event import AuditEvent
from ...models.get_api_v1_audit_actor_role import GetApiV1AuditActorRole
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    action: str | Unset = UNSET,
    entity_type: str | Unset = UNSET,
    entity_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    actor_role: GetApiV1AuditActorRole | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["action"] = action

    params["entity_type"] = entity_type

    params["entity_id"] = entity_id

    params["round_id"] = round_id

    json_actor_role: str | Unset = UNSET
    if not isinstance(actor_role, Unset):
        json_actor_role = actor_role.value

    params["actor_role"] = json_actor_role

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["page"] = page

    params["page_size"] = page_size


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[AuditEvent]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = AuditEvent.from_dict(response_200_item_data)



            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())



        return response_414

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    response_default = Problem.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[AuditEvent]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    action: str | Unset = UNSET,
    entity_type: str | Unset = UNSET,
    entity_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    actor_role: GetApiV1AuditActorRole | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[AuditEvent]]:
    """ List audit events in the caller's scope, newest first.

    Args:
        action (str | Unset):
        entity_type (str | Unset):
        entity_id (int | Unset):
        round_id (int | Unset):
        actor_role (GetApiV1AuditActorRole | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AuditEvent]]
     """


    kwargs = _get_kwargs(
        action=action,
entity_type=entity_type,
entity_id=entity_id,
round_id=round_id,
actor_role=actor_role,
since=since,
until=until,
page=page,
page_size=page_size,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    action: str | Unset = UNSET,
    entity_type: str | Unset = UNSET,
    entity_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    actor_role: GetApiV1AuditActorRole | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[AuditEvent] | None:
    """ List audit events in the caller's scope, newest first.

    Args:
        action (str | Unset):
        entity_type (str | Unset):
        entity_id (int | Unset):
        round_id (int | Unset):
        actor_role (GetApiV1AuditActorRole | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AuditEvent]
     """


    return sync_detailed(
        client=client,
action=action,
entity_type=entity_type,
entity_id=entity_id,
round_id=round_id,
actor_role=actor_role,
since=since,
until=until,
page=page,
page_size=page_size,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    action: str | Unset = UNSET,
    entity_type: str | Unset = UNSET,
    entity_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    actor_role: GetApiV1AuditActorRole | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[AuditEvent]]:
    """ List audit events in the caller's scope, newest first.

    Args:
        action (str | Unset):
        entity_type (str | Unset):
        entity_id (int | Unset):
        round_id (int | Unset):
        actor_role (GetApiV1AuditActorRole | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AuditEvent]]
     """


    kwargs = _get_kwargs(
        action=action,
entity_type=entity_type,
entity_id=entity_id,
round_id=round_id,
actor_role=actor_role,
since=since,
until=until,
page=page,
page_size=page_size,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    action: str | Unset = UNSET,
    entity_type: str | Unset = UNSET,
    entity_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    actor_role: GetApiV1AuditActorRole | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[AuditEvent] | None:
    """ List audit events in the caller's scope, newest first.

    Args:
        action (str | Unset):
        entity_type (str | Unset):
        entity_id (int | Unset):
        round_id (int | Unset):
        actor_role (GetApiV1AuditActorRole | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AuditEvent]
     """


    return (await asyncio_detailed(
        client=client,
action=action,
entity_type=entity_type,
entity_id=entity_id,
round_id=round_id,
actor_role=actor_role,
since=since,
until=until,
page=page,
page_size=page_size,

    )).parsed
