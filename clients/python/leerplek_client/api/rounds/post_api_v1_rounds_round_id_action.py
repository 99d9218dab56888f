from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.post_api_v1_rounds_round_id_action_action import PostApiV1RoundsRoundIdActionAction
from ...models.problem import Problem
from ...models.round_ import Round
from typing import cast



def _get_kwargs(
    round_id: int,
    action: PostApiV1RoundsRoundIdActionAction,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/rounds/{round_id}/{action}".format(round_id=quote(str(round_id), safe=""),action=quote(str(action), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Round:
    if response.status_code == 200:
        response_200 = Round.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Round]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    round_id: int,
    action: PostApiV1RoundsRoundIdActionAction,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Problem | Round]:
    """ Move a round on in its lifecycle (409 when the round is not in a state for it).

     Actions: open (draft → open), close (open → closed), reopen, publish (allocated →
    published: students and companies see and answer their placements; webhooks hear
    `round.published` and `proposal.created`), finish. 409 names the round's state and
    the state the action needs, or the allocation job still running.

    Args:
        round_id (int):
        action (PostApiV1RoundsRoundIdActionAction):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Round]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
action=action,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    round_id: int,
    action: PostApiV1RoundsRoundIdActionAction,
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Round | None:
    """ Move a round on in its lifecycle (409 when the round is not in a state for it).

     Actions: open (draft → open), close (open → closed), reopen, publish (allocated →
    published: students and companies see and answer their placements; webhooks hear
    `round.published` and `proposal.created`), finish. 409 names the round's state and
    the state the action needs, or the allocation job still running.

    Args:
        round_id (int):
        action (PostApiV1RoundsRoundIdActionAction):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Round
     """


    return sync_detailed(
        round_id=round_id,
action=action,
client=client,

    ).parsed

async def asyncio_detailed(
    round_id: int,
    action: PostApiV1RoundsRoundIdActionAction,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Problem | Round]:
    """ Move a round on in its lifecycle (409 when the round is not in a state for it).

     Actions: open (draft → open), close (open → closed), reopen, publish (allocated →
    published: students and companies see and answer their placements; webhooks hear
    `round.published` and `proposal.created`), finish. 409 names the round's state and
    the state the action needs, or the allocation job still running.

    Args:
        round_id (int):
        action (PostApiV1RoundsRoundIdActionAction):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Round]
     """


    kwargs = _get_kwargs(
        round_id=round_id,
action=action,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    round_id: int,
    action: PostApiV1RoundsRoundIdActionAction,
    *,
    client: AuthenticatedClient | Client,

) -> Problem | Round | None:
    """ Move a round on in its lifecycle (409 when the round is not in a state for it).

     Actions: open (draft → open), close (open → closed), reopen, publish (allocated →
    published: students and companies see and answer their placements; webhooks hear
    `round.published` and `proposal.created`), finish. 409 names the round's state and
    the state the action needs, or the allocation job still running.

    Args:
        round_id (int):
        action (PostApiV1RoundsRoundIdActionAction):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Round
     """


    return (await asyncio_detailed(
        round_id=round_id,
action=action,
client=client,

    )).parsed
