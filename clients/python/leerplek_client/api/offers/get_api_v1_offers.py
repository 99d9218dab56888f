from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_api_v1_offers_pathway import GetApiV1OffersPathway
from ...models.get_api_v1_offers_status import GetApiV1OffersStatus
from ...models.offer import Offer
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    q: str | Unset = UNSET,
    region: str | Unset = UNSET,
    sector: str | Unset = UNSET,
    level: int | Unset = UNSET,
    pathway: GetApiV1OffersPathway | Unset = UNSET,
    status: GetApiV1OffersStatus | Unset = UNSET,
    company_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    environment_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["q"] = q

    params["region"] = region

    params["sector"] = sector

    params["level"] = level

    json_pathway: str | Unset = UNSET
    if not isinstance(pathway, Unset):
        json_pathway = pathway.value

    params["pathway"] = json_pathway

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["company_id"] = company_id

    params["round_id"] = round_id

    params["environment_id"] = environment_id

    params["page"] = page

    params["page_size"] = page_size


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/offers",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[Offer]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = Offer.from_dict(response_200_item_data)



            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[Offer]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    region: str | Unset = UNSET,
    sector: str | Unset = UNSET,
    level: int | Unset = UNSET,
    pathway: GetApiV1OffersPathway | Unset = UNSET,
    status: GetApiV1OffersStatus | Unset = UNSET,
    company_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    environment_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Offer]]:
    """ List the offers the caller may see.

    Args:
        q (str | Unset):
        region (str | Unset):
        sector (str | Unset):
        level (int | Unset):
        pathway (GetApiV1OffersPathway | Unset):
        status (GetApiV1OffersStatus | Unset):
        company_id (int | Unset):
        round_id (int | Unset):
        environment_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Offer]]
     """


    kwargs = _get_kwargs(
        q=q,
region=region,
sector=sector,
level=level,
pathway=pathway,
status=status,
company_id=company_id,
round_id=round_id,
environment_id=environment_id,
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
    q: str | Unset = UNSET,
    region: str | Unset = UNSET,
    sector: str | Unset = UNSET,
    level: int | Unset = UNSET,
    pathway: GetApiV1OffersPathway | Unset = UNSET,
    status: GetApiV1OffersStatus | Unset = UNSET,
    company_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    environment_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Offer] | None:
    """ List the offers the caller may see.

    Args:
        q (str | Unset):
        region (str | Unset):
        sector (str | Unset):
        level (int | Unset):
        pathway (GetApiV1OffersPathway | Unset):
        status (GetApiV1OffersStatus | Unset):
        company_id (int | Unset):
        round_id (int | Unset):
        environment_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Offer]
     """


    return sync_detailed(
        client=client,
q=q,
region=region,
sector=sector,
level=level,
pathway=pathway,
status=status,
company_id=company_id,
round_id=round_id,
environment_id=environment_id,
page=page,
page_size=page_size,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    region: str | Unset = UNSET,
    sector: str | Unset = UNSET,
    level: int | Unset = UNSET,
    pathway: GetApiV1OffersPathway | Unset = UNSET,
    status: GetApiV1OffersStatus | Unset = UNSET,
    company_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    environment_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[Offer]]:
    """ List the offers the caller may see.

    Args:
        q (str | Unset):
        region (str | Unset):
        sector (str | Unset):
        level (int | Unset):
        pathway (GetApiV1OffersPathway | Unset):
        status (GetApiV1OffersStatus | Unset):
        company_id (int | Unset):
        round_id (int | Unset):
        environment_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Offer]]
     """


    kwargs = _get_kwargs(
        q=q,
region=region,
sector=sector,
level=level,
pathway=pathway,
status=status,
company_id=company_id,
round_id=round_id,
environment_id=environment_id,
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
    q: str | Unset = UNSET,
    region: str | Unset = UNSET,
    sector: str | Unset = UNSET,
    level: int | Unset = UNSET,
    pathway: GetApiV1OffersPathway | Unset = UNSET,
    status: GetApiV1OffersStatus | Unset = UNSET,
    company_id: int | Unset = UNSET,
    round_id: int | Unset = UNSET,
    environment_id: int | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[Offer] | None:
    """ List the offers the caller may see.

    Args:
        q (str | Unset):
        region (str | Unset):
        sector (str | Unset):
        level (int | Unset):
        pathway (GetApiV1OffersPathway | Unset):
        status (GetApiV1OffersStatus | Unset):
        company_id (int | Unset):
        round_id (int | Unset):
        environment_id (int | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Offer]
     """


    return (await asyncio_detailed(
        client=client,
q=q,
region=region,
sector=sector,
level=level,
pathway=pathway,
status=status,
company_id=company_id,
round_id=round_id,
environment_id=environment_id,
page=page,
page_size=page_size,

    )).parsed
