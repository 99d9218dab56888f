from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.round_ import Round
from typing import cast



def _get_kwargs(
    round_id: int,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/rounds/{round_id}/follow-up".format(round_id=quote(str(round_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Round:
    if response.status_code == 201:
        response_201 = Round.from_dict(response.json())



        return response_201

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Round]:
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

) -> Response[Problem | Round]:
    """ Start the next round: accepted placements pinned, the rest allocated again.

     409: the round is not published, or a proposal still awaits its answer before the
    deadline. Webhooks hear `round.follow_up_started`.

    Args:
        round_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Round]
     """


    kwargs = _get_kwargs(
        round_id=round_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Round | None:
    """ Start the next round: accepted placements pinned, the rest allocated again.

     409: the round is not published, or a proposal still awaits its answer before the
    deadline. Webhooks hear `round.follow_up_started`.

    Args:
        round_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Round
     """


    return sync_detailed(
        round_id=round_id,
client=client,

    ).parsed

async def asyncio_detailed(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Problem | Round]:
    """ Start the next round: accepted placements pinned, the rest allocated again.

     409: the round is not published, or a proposal still awaits its answer before the
    deadline. Webhooks hear `round.follow_up_started`.

    Args:
        round_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Round]
     """


    kwargs = _get_kwargs(
        round_id=round_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    round_id: int,
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Round | None:
    """ Start the next round: accepted placements pinned, the rest allocated again.

     409: the round is not published, or a proposal still awaits its answer before the
    deadline. Webhooks hear `round.follow_up_started`.

    Args:
        round_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Round
     """


    return (await asyncio_detailed(
        round_id=round_id,
client=client,

    )).parsed
