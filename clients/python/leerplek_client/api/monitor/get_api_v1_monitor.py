from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_api_v1_monitor_format import GetApiV1MonitorFormat
from ...models.monitor import Monitor
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    school_year: str | Unset = UNSET,
    format_: GetApiV1MonitorFormat | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["school_year"] = school_year

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/monitor",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Monitor | Problem:
    if response.status_code == 200:
        response_200 = Monitor.from_dict(response.json())



        return response_200

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())



        return response_414

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    response_default = Problem.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Monitor | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    school_year: str | Unset = UNSET,
    format_: GetApiV1MonitorFormat | Unset = UNSET,

) -> Response[Monitor | Problem]:
    """ The monitor's figures per finished round (open data, CC BY 4.0).

    Args:
        school_year (str | Unset):
        format_ (GetApiV1MonitorFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Monitor | Problem]
     """


    kwargs = _get_kwargs(
        school_year=school_year,
format_=format_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    school_year: str | Unset = UNSET,
    format_: GetApiV1MonitorFormat | Unset = UNSET,

) -> Monitor | Problem | None:
    """ The monitor's figures per finished round (open data, CC BY 4.0).

    Args:
        school_year (str | Unset):
        format_ (GetApiV1MonitorFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Monitor | Problem
     """


    return sync_detailed(
        client=client,
school_year=school_year,
format_=format_,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    school_year: str | Unset = UNSET,
    format_: GetApiV1MonitorFormat | Unset = UNSET,

) -> Response[Monitor | Problem]:
    """ The monitor's figures per finished round (open data, CC BY 4.0).

    Args:
        school_year (str | Unset):
        format_ (GetApiV1MonitorFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Monitor | Problem]
     """


    kwargs = _get_kwargs(
        school_year=school_year,
format_=format_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    school_year: str | Unset = UNSET,
    format_: GetApiV1MonitorFormat | Unset = UNSET,

) -> Monitor | Problem | None:
    """ The monitor's figures per finished round (open data, CC BY 4.0).

    Args:
        school_year (str | Unset):
        format_ (GetApiV1MonitorFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Monitor | Problem
     """


    return (await asyncio_detailed(
        client=client,
school_year=school_year,
format_=format_,

    )).parsed
