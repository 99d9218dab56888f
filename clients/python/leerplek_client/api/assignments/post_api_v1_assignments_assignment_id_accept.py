from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.answer import Answer
from ...models.assignment import Assignment
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    assignment_id: int,
    *,
    body: Answer | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/assignments/{assignment_id}/accept".format(assignment_id=quote(str(assignment_id), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Assignment | Problem:
    if response.status_code == 200:
        response_200 = Assignment.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Assignment | Problem]:
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
    body: Answer | Unset = UNSET,

) -> Response[Assignment | Problem]:
    """ Accept a placement (the student, or staff on their behalf with a reason; for BBL
    also the company). After the round's deadline, 409.

    Args:
        assignment_id (int):
        body (Answer | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assignment | Problem]
     """


    kwargs = _get_kwargs(
        assignment_id=assignment_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: Answer | Unset = UNSET,

) -> Assignment | Problem | None:
    """ Accept a placement (the student, or staff on their behalf with a reason; for BBL
    also the company). After the round's deadline, 409.

    Args:
        assignment_id (int):
        body (Answer | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assignment | Problem
     """


    return sync_detailed(
        assignment_id=assignment_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: Answer | Unset = UNSET,

) -> Response[Assignment | Problem]:
    """ Accept a placement (the student, or staff on their behalf with a reason; for BBL
    also the company). After the round's deadline, 409.

    Args:
        assignment_id (int):
        body (Answer | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assignment | Problem]
     """


    kwargs = _get_kwargs(
        assignment_id=assignment_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    assignment_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: Answer | Unset = UNSET,

) -> Assignment | Problem | None:
    """ Accept a placement (the student, or staff on their behalf with a reason; for BBL
    also the company). After the round's deadline, 409.

    Args:
        assignment_id (int):
        body (Answer | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assignment | Problem
     """


    return (await asyncio_detailed(
        assignment_id=assignment_id,
client=client,
body=body,

    )).parsed
