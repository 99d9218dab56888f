from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.pok import Pok
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    assignment_id: int,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/assignments/{assignment_id}/pok/finalize".format(assignment_id=quote(str(assignment_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Pok | Problem:
    if response.status_code == 200:
        response_200 = Pok.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())



        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())



        return response_415

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Pok | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Pok | Problem]:
    """ Record that the volledig POK was signed: it becomes definitief (coordinators,
    admins; 409 unless volledig).

    Args:
        assignment_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Pok | Problem]
     """


    kwargs = _get_kwargs(
        assignment_id=assignment_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Pok | Problem | None:
    """ Record that the volledig POK was signed: it becomes definitief (coordinators,
    admins; 409 unless volledig).

    Args:
        assignment_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Pok | Problem
     """


    return sync_detailed(
        assignment_id=assignment_id,
client=client,

    ).parsed

async def asyncio_detailed(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Pok | Problem]:
    """ Record that the volledig POK was signed: it becomes definitief (coordinators,
    admins; 409 unless volledig).

    Args:
        assignment_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Pok | Problem]
     """


    kwargs = _get_kwargs(
        assignment_id=assignment_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Pok | Problem | None:
    """ Record that the volledig POK was signed: it becomes definitief (coordinators,
    admins; 409 unless volledig).

    Args:
        assignment_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Pok | Problem
     """


    return (await asyncio_detailed(
        assignment_id=assignment_id,
client=client,

    )).parsed
