from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.import_summary import ImportSummary
from ...models.post_api_v1_students_import_on_conflict import PostApiV1StudentsImportOnConflict
from ...models.problem import Problem
from ...models.student import Student
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: list[Student],
    on_conflict: PostApiV1StudentsImportOnConflict | Unset = PostApiV1StudentsImportOnConflict.ERROR,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_on_conflict: str | Unset = UNSET
    if not isinstance(on_conflict, Unset):
        json_on_conflict = on_conflict.value

    params["on_conflict"] = json_on_conflict


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/students/import",
        "params": params,
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = body_item_data.to_dict()
        _kwargs["json"].append(body_item)



    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportSummary | Problem:
    if response.status_code == 200:
        response_200 = ImportSummary.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportSummary | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[Student],
    on_conflict: PostApiV1StudentsImportOnConflict | Unset = PostApiV1StudentsImportOnConflict.ERROR,

) -> Response[ImportSummary | Problem]:
    """ Import students from a JSON array or CSV: every row checked, all or nothing.

     Every bad row is named in the 422 (`3.level`), and nothing is written.

    Args:
        on_conflict (PostApiV1StudentsImportOnConflict | Unset):  Default:
            PostApiV1StudentsImportOnConflict.ERROR.
        body (list[Student]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSummary | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
on_conflict=on_conflict,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: list[Student],
    on_conflict: PostApiV1StudentsImportOnConflict | Unset = PostApiV1StudentsImportOnConflict.ERROR,

) -> ImportSummary | Problem | None:
    """ Import students from a JSON array or CSV: every row checked, all or nothing.

     Every bad row is named in the 422 (`3.level`), and nothing is written.

    Args:
        on_conflict (PostApiV1StudentsImportOnConflict | Unset):  Default:
            PostApiV1StudentsImportOnConflict.ERROR.
        body (list[Student]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSummary | Problem
     """


    return sync_detailed(
        client=client,
body=body,
on_conflict=on_conflict,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[Student],
    on_conflict: PostApiV1StudentsImportOnConflict | Unset = PostApiV1StudentsImportOnConflict.ERROR,

) -> Response[ImportSummary | Problem]:
    """ Import students from a JSON array or CSV: every row checked, all or nothing.

     Every bad row is named in the 422 (`3.level`), and nothing is written.

    Args:
        on_conflict (PostApiV1StudentsImportOnConflict | Unset):  Default:
            PostApiV1StudentsImportOnConflict.ERROR.
        body (list[Student]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSummary | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
on_conflict=on_conflict,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[Student],
    on_conflict: PostApiV1StudentsImportOnConflict | Unset = PostApiV1StudentsImportOnConflict.ERROR,

) -> ImportSummary | Problem | None:
    """ Import students from a JSON array or CSV: every row checked, all or nothing.

     Every bad row is named in the 422 (`3.level`), and nothing is written.

    Args:
        on_conflict (PostApiV1StudentsImportOnConflict | Unset):  Default:
            PostApiV1StudentsImportOnConflict.ERROR.
        body (list[Student]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSummary | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
on_conflict=on_conflict,

    )).parsed
