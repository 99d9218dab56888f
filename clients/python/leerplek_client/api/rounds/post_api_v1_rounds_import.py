from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.post_api_v1_rounds_import_body import PostApiV1RoundsImportBody
from ...models.post_api_v1_rounds_import_ids import PostApiV1RoundsImportIds
from ...models.problem import Problem
from ...models.round_import import RoundImport
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: PostApiV1RoundsImportBody,
    ids: PostApiV1RoundsImportIds | Unset = PostApiV1RoundsImportIds.EXTERNAL,
    school_id: int | Unset = UNSET,
    region: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_ids: str | Unset = UNSET
    if not isinstance(ids, Unset):
        json_ids = ids.value

    params["ids"] = json_ids

    params["school_id"] = school_id

    params["region"] = region


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/rounds/import",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RoundImport:
    if response.status_code == 201:
        response_201 = RoundImport.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RoundImport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostApiV1RoundsImportBody,
    ids: PostApiV1RoundsImportIds | Unset = PostApiV1RoundsImportIds.EXTERNAL,
    school_id: int | Unset = UNSET,
    region: str | Unset = UNSET,

) -> Response[Problem | RoundImport]:
    """ Create a round in draft from a round document: offers, students, preferences.

     Staff only. Every problem in the document is named in the 422 and nothing is
    written.

    Args:
        ids (PostApiV1RoundsImportIds | Unset):  Default: PostApiV1RoundsImportIds.EXTERNAL.
        school_id (int | Unset):
        region (str | Unset):
        body (PostApiV1RoundsImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoundImport]
     """


    kwargs = _get_kwargs(
        body=body,
ids=ids,
school_id=school_id,
region=region,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PostApiV1RoundsImportBody,
    ids: PostApiV1RoundsImportIds | Unset = PostApiV1RoundsImportIds.EXTERNAL,
    school_id: int | Unset = UNSET,
    region: str | Unset = UNSET,

) -> Problem | RoundImport | None:
    """ Create a round in draft from a round document: offers, students, preferences.

     Staff only. Every problem in the document is named in the 422 and nothing is
    written.

    Args:
        ids (PostApiV1RoundsImportIds | Unset):  Default: PostApiV1RoundsImportIds.EXTERNAL.
        school_id (int | Unset):
        region (str | Unset):
        body (PostApiV1RoundsImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoundImport
     """


    return sync_detailed(
        client=client,
body=body,
ids=ids,
school_id=school_id,
region=region,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostApiV1RoundsImportBody,
    ids: PostApiV1RoundsImportIds | Unset = PostApiV1RoundsImportIds.EXTERNAL,
    school_id: int | Unset = UNSET,
    region: str | Unset = UNSET,

) -> Response[Problem | RoundImport]:
    """ Create a round in draft from a round document: offers, students, preferences.

     Staff only. Every problem in the document is named in the 422 and nothing is
    written.

    Args:
        ids (PostApiV1RoundsImportIds | Unset):  Default: PostApiV1RoundsImportIds.EXTERNAL.
        school_id (int | Unset):
        region (str | Unset):
        body (PostApiV1RoundsImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoundImport]
     """


    kwargs = _get_kwargs(
        body=body,
ids=ids,
school_id=school_id,
region=region,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PostApiV1RoundsImportBody,
    ids: PostApiV1RoundsImportIds | Unset = PostApiV1RoundsImportIds.EXTERNAL,
    school_id: int | Unset = UNSET,
    region: str | Unset = UNSET,

) -> Problem | RoundImport | None:
    """ Create a round in draft from a round document: offers, students, preferences.

     Staff only. Every problem in the document is named in the 422 and nothing is
    written.

    Args:
        ids (PostApiV1RoundsImportIds | Unset):  Default: PostApiV1RoundsImportIds.EXTERNAL.
        school_id (int | Unset):
        region (str | Unset):
        body (PostApiV1RoundsImportBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoundImport
     """


    return (await asyncio_detailed(
        client=client,
body=body,
ids=ids,
school_id=school_id,
region=region,

    )).parsed
