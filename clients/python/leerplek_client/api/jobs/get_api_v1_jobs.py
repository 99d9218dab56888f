from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_api_v1_jobs_kind import GetApiV1JobsKind
from ...models.get_api_v1_jobs_status import GetApiV1JobsStatus
from ...models.job import Job
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    round_id: int | Unset = UNSET,
    status: GetApiV1JobsStatus | Unset = UNSET,
    kind: GetApiV1JobsKind | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["round_id"] = round_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["page"] = page

    params["page_size"] = page_size


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/jobs",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[Job]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = Job.from_dict(response_200_item_data)



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[Job]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    round_id: int | Unset = UNSET,
    status: GetApiV1JobsStatus | Unset = UNSET,
    kind: GetApiV1JobsKind | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Job]]:
    """ List jobs of the rounds in the caller's scope, newest first.

    Args:
        round_id (int | Unset):
        status (GetApiV1JobsStatus | Unset):
        kind (GetApiV1JobsKind | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Job]]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
status=status,
kind=kind,
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
    round_id: int | Unset = UNSET,
    status: GetApiV1JobsStatus | Unset = UNSET,
    kind: GetApiV1JobsKind | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Job] | None:
    """ List jobs of the rounds in the caller's scope, newest first.

    Args:
        round_id (int | Unset):
        status (GetApiV1JobsStatus | Unset):
        kind (GetApiV1JobsKind | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Job]
     """


    return sync_detailed(
        client=client,
round_id=round_id,
status=status,
kind=kind,
page=page,
page_size=page_size,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    round_id: int | Unset = UNSET,
    status: GetApiV1JobsStatus | Unset = UNSET,
    kind: GetApiV1JobsKind | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Job]]:
    """ List jobs of the rounds in the caller's scope, newest first.

    Args:
        round_id (int | Unset):
        status (GetApiV1JobsStatus | Unset):
        kind (GetApiV1JobsKind | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Job]]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
status=status,
kind=kind,
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
    round_id: int | Unset = UNSET,
    status: GetApiV1JobsStatus | Unset = UNSET,
    kind: GetApiV1JobsKind | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Job] | None:
    """ List jobs of the rounds in the caller's scope, newest first.

    Args:
        round_id (int | Unset):
        status (GetApiV1JobsStatus | Unset):
        kind (GetApiV1JobsKind | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Job]
     """


    return (await asyncio_detailed(
        client=client,
round_id=round_id,
status=status,
kind=kind,
page=page,
page_size=page_size,

    )).parsed
