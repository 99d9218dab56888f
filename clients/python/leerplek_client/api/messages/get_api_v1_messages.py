from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_api_v1_messages_status import GetApiV1MessagesStatus
from ...models.message import Message
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    status: GetApiV1MessagesStatus | Unset = UNSET,
    kind: str | Unset = UNSET,
    round_id: int | Unset = UNSET,
    student_id: int | Unset = UNSET,
    company_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["kind"] = kind

    params["round_id"] = round_id

    params["student_id"] = student_id

    params["company_id"] = company_id

    params["page"] = page

    params["page_size"] = page_size


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/messages",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[Message]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = Message.from_dict(response_200_item_data)



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[Message]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1MessagesStatus | Unset = UNSET,
    kind: str | Unset = UNSET,
    round_id: int | Unset = UNSET,
    student_id: int | Unset = UNSET,
    company_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Message]]:
    """ List the messages in the caller's scope, newest first.

    Args:
        status (GetApiV1MessagesStatus | Unset):
        kind (str | Unset):
        round_id (int | Unset):
        student_id (int | Unset):
        company_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Message]]
     """


    kwargs = _get_kwargs(
        status=status,
kind=kind,
round_id=round_id,
student_id=student_id,
company_id=company_id,
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
    status: GetApiV1MessagesStatus | Unset = UNSET,
    kind: str | Unset = UNSET,
    round_id: int | Unset = UNSET,
    student_id: int | Unset = UNSET,
    company_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Message] | None:
    """ List the messages in the caller's scope, newest first.

    Args:
        status (GetApiV1MessagesStatus | Unset):
        kind (str | Unset):
        round_id (int | Unset):
        student_id (int | Unset):
        company_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Message]
     """


    return sync_detailed(
        client=client,
status=status,
kind=kind,
round_id=round_id,
student_id=student_id,
company_id=company_id,
page=page,
page_size=page_size,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1MessagesStatus | Unset = UNSET,
    kind: str | Unset = UNSET,
    round_id: int | Unset = UNSET,
    student_id: int | Unset = UNSET,
    company_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Message]]:
    """ List the messages in the caller's scope, newest first.

    Args:
        status (GetApiV1MessagesStatus | Unset):
        kind (str | Unset):
        round_id (int | Unset):
        student_id (int | Unset):
        company_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Message]]
     """


    kwargs = _get_kwargs(
        status=status,
kind=kind,
round_id=round_id,
student_id=student_id,
company_id=company_id,
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
    status: GetApiV1MessagesStatus | Unset = UNSET,
    kind: str | Unset = UNSET,
    round_id: int | Unset = UNSET,
    student_id: int | Unset = UNSET,
    company_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Message] | None:
    """ List the messages in the caller's scope, newest first.

    Args:
        status (GetApiV1MessagesStatus | Unset):
        kind (str | Unset):
        round_id (int | Unset):
        student_id (int | Unset):
        company_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Message]
     """


    return (await asyncio_detailed(
        client=client,
status=status,
kind=kind,
round_id=round_id,
student_id=student_id,
company_id=company_id,
page=page,
page_size=page_size,

    )).parsed
