from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_api_v1_webhooks_endpoint_id_deliveries_event import GetApiV1WebhooksEndpointIdDeliveriesEvent
from ...models.get_api_v1_webhooks_endpoint_id_deliveries_status import GetApiV1WebhooksEndpointIdDeliveriesStatus
from ...models.problem import Problem
from ...models.webhook_delivery import WebhookDelivery
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    endpoint_id: int,
    *,
    status: GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset = UNSET,
    event: GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_event: str | Unset = UNSET
    if not isinstance(event, Unset):
        json_event = event.value

    params["event"] = json_event

    params["page"] = page

    params["page_size"] = page_size


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/webhooks/{endpoint_id}/deliveries".format(endpoint_id=quote(str(endpoint_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[WebhookDelivery]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = WebhookDelivery.from_dict(response_200_item_data)



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | list[WebhookDelivery]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: int,
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset = UNSET,
    event: GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[WebhookDelivery]]:
    """ The endpoint's deliveries, newest first: status, attempts, last status and error.

    Args:
        endpoint_id (int):
        status (GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset):
        event (GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[WebhookDelivery]]
     """


    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
status=status,
event=event,
page=page,
page_size=page_size,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    endpoint_id: int,
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset = UNSET,
    event: GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[WebhookDelivery] | None:
    """ The endpoint's deliveries, newest first: status, attempts, last status and error.

    Args:
        endpoint_id (int):
        status (GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset):
        event (GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[WebhookDelivery]
     """


    return sync_detailed(
        endpoint_id=endpoint_id,
client=client,
status=status,
event=event,
page=page,
page_size=page_size,

    ).parsed

async def asyncio_detailed(
    endpoint_id: int,
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset = UNSET,
    event: GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Response[Problem | list[WebhookDelivery]]:
    """ The endpoint's deliveries, newest first: status, attempts, last status and error.

    Args:
        endpoint_id (int):
        status (GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset):
        event (GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[WebhookDelivery]]
     """


    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
status=status,
event=event,
page=page,
page_size=page_size,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    endpoint_id: int,
    *,
    client: AuthenticatedClient | Client,
    status: GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset = UNSET,
    event: GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 10,

) -> Problem | list[WebhookDelivery] | None:
    """ The endpoint's deliveries, newest first: status, attempts, last status and error.

    Args:
        endpoint_id (int):
        status (GetApiV1WebhooksEndpointIdDeliveriesStatus | Unset):
        event (GetApiV1WebhooksEndpointIdDeliveriesEvent | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[WebhookDelivery]
     """


    return (await asyncio_detailed(
        endpoint_id=endpoint_id,
client=client,
status=status,
event=event,
page=page,
page_size=page_size,

    )).parsed
