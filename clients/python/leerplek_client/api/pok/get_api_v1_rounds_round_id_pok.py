from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.pok import Pok
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    round_id: int,
    *,
    school_id: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["school_id"] = school_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/rounds/{round_id}/pok".format(round_id=quote(str(round_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[Pok]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = Pok.from_dict(response_200_item_data)



            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[Pok]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,
    school_id: int | Unset = UNSET,

) -> Response[Problem | list[Pok]]:
    """ The POKs of a round's accepted placements, of the caller's students (one
    school's with ``school_id``), by school and student number; CSV on request.

    Args:
        round_id (int):
        school_id (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Pok]]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
school_id=school_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,
    school_id: int | Unset = UNSET,

) -> Problem | list[Pok] | None:
    """ The POKs of a round's accepted placements, of the caller's students (one
    school's with ``school_id``), by school and student number; CSV on request.

    Args:
        round_id (int):
        school_id (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Pok]
     """


    return sync_detailed(
        round_id=round_id,
client=client,
school_id=school_id,

    ).parsed

async def asyncio_detailed(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,
    school_id: int | Unset = UNSET,

) -> Response[Problem | list[Pok]]:
    """ The POKs of a round's accepted placements, of the caller's students (one
    school's with ``school_id``), by school and student number; CSV on request.

    Args:
        round_id (int):
        school_id (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Pok]]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
school_id=school_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,
    school_id: int | Unset = UNSET,

) -> Problem | list[Pok] | None:
    """ The POKs of a round's accepted placements, of the caller's students (one
    school's with ``school_id``), by school and student number; CSV on request.

    Args:
        round_id (int):
        school_id (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Pok]
     """


    return (await asyncio_detailed(
        round_id=round_id,
client=client,
school_id=school_id,

    )).parsed
