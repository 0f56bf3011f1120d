"""Checkout endpoints for web shops: availability, delivery promise, reservations.

Thin on purpose: validate, call :class:`CheckoutService`, answer. Errors are problem+json
(RFC 9457) with a stable ``title`` code and, where useful, extension members (``lines`` of an
insufficient-stock refusal, ``skus`` of an unknown-SKU one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException

from sync_service.checkout import schemas as s
from sync_service.checkout.dependencies import CallerDep
from sync_service.checkout.exceptions import CheckoutError, MalformedBody, StoreUnavailable
from sync_service.checkout.service import reservation_view
from sync_service.errors import PROBLEM, problem_responses

log = logging.getLogger(__name__)


def problem_response(error: CheckoutError) -> JSONResponse:
    body = {
        "type": f"urn:oms:problem:{error.code}",
        "title": error.code,
        "status": error.status_code,
        "detail": error.message,
        **({"field": error.field} if error.field else {}),
        **error.extensions,
    }
    headers = {"Retry-After": "2"} if error.status_code == 503 else None
    return JSONResponse(body, status_code=error.status_code, media_type=PROBLEM, headers=headers)


def json_response(body: dict, status_code: int = 200) -> Response:
    """A ready body in its documented model's shape: FastAPI skips re-validating a Response."""
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")


def validation_problem(error: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
        for e in error.errors()
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid request"}
    body = {
        "type": "urn:oms:problem:invalid_request",
        "title": "invalid_request",
        "status": 422,
        "detail": f"{first['field']}: {first['message']}",
        "field": first["field"],
        "errors": errors,
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


class ProblemRoute(APIRoute):
    """Answers this router's errors as problem+json without touching the app's handlers."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def problem_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except CheckoutError as error:
                return problem_response(error)
            except RequestValidationError as error:
                return validation_problem(error)
            except HTTPException as error:
                if error.status_code != 400:
                    raise
                # FastAPI's answer to a body it cannot even parse (not UTF-8, nested past
                # the JSON parser's depth): a problem like every other error here.
                return problem_response(MalformedBody(
                    "the body is not JSON this API can read (UTF-8, nested at most a few "
                    "hundred levels)", field="body"))  # fmt: skip
            except (RedisConnectionError, RedisTimeoutError) as error:
                log.warning("checkout: Redis unavailable: %s", error)
                return problem_response(StoreUnavailable("stock store unavailable; retry shortly"))

        return problem_handler


COMMON = problem_responses(
    (400, "malformed_body: a body that is not UTF-8 JSON or is nested too deep"),
    (401, "missing_api_key / bad_api_key"),
    (404, "unknown_channel, unknown_sku, unknown_store or unknown_reservation"),
    (422, "invalid_request (field named), invalid_postal_code"),
    (503, "projection_not_ready / network_unavailable / store_unavailable: retry later"),
)

router = APIRouter(
    prefix="/checkout/v1/channels/{channel}",
    tags=["checkout"],
    route_class=ProblemRoute,
    responses=COMMON,
)


@router.get("/status", response_model=s.ChannelStatus, summary="Projection freshness")
async def channel_status(caller: CallerDep):
    """Is the channel's projection there, how fresh is it, how many holds are open."""
    return json_response(await caller.service.store.status(caller.channel))


@router.get("/availability", response_model=s.ListingAvailability, summary="SKUs (1-100)")
async def listing_availability(
    caller: CallerDep,
    sku: Annotated[list[str], Query(description="A SKU; repeat it for several.")] = (),
    skus: Annotated[
        str | None, Query(description="Comma-separated SKUs: a listing page in one parameter.")
    ] = None,
    stores: Annotated[
        bool, Query(description="Also count, per SKU, the pickup stores holding it.")
    ] = False,
):
    """Sellable units per SKU for the channel: a product page (one SKU) or a listing page
    (up to 100, as repeated ``sku`` or one comma-separated ``skus``)."""
    wanted = [*sku, *(x for x in (skus or "").split(",") if x)]
    return json_response(await caller.service.listing(caller.channel, wanted, stores))


@router.post("/availability/cart", response_model=s.CartAvailability, summary="A cart")
async def cart_availability(caller: CallerDep, body: s.CartRequest):
    """Whether every line of a cart can be served now, and what is available per SKU."""
    return json_response(await caller.service.cart(caller.channel, body.lines))


@router.post(
    "/availability/pickup", response_model=s.PickupAvailability, summary="Stores for pickup"
)
async def pickup_availability(caller: CallerDep, body: s.PickupRequest):
    """Stores that can hand over the cart now ("available in 3 stores near you"), nearest
    first when the shop gives coordinates or a postal code."""
    return json_response(await caller.service.pickup(caller.channel, body))


@router.post("/promise", response_model=s.PromiseResponse, summary="Delivery promise")
async def delivery_promise(caller: CallerDep, body: s.PromiseRequest):
    """Earliest delivery date per service level for a cart to a postal code, computed by the
    engine with the network Odoo routes with, and whether the cart would split."""
    return await caller.service.promise(caller.channel, body)


@router.post(
    "/reservations",
    response_model=s.Reservation,
    status_code=201,
    summary="Reserve a cart",
    responses=problem_responses((409, "insufficient_stock (lines named) / reservation_conflict")),
)
async def reserve(
    caller: CallerDep,
    body: s.ReservationRequest,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=255, description="Retries with the same key get the same hold."),
    ] = None,
):
    """Hold every line of the cart, or none, until ``expires_at``. Send the
    ``reservation_id`` with the order; an unpaid hold gives its stock back when it expires."""
    hold = await caller.service.reserve(caller.channel, body, idempotency_key)
    return json_response(reservation_view(hold), 201 if hold.created else 200)


@router.get("/reservations/{reservation_id}", response_model=s.Reservation)
async def get_reservation(caller: CallerDep, reservation_id: str):
    return json_response(reservation_view(await caller.service.get(caller.channel, reservation_id)))


@router.delete(
    "/reservations/{reservation_id}",
    response_model=s.Reservation,
    summary="Release a hold",
    responses=problem_responses((409, "reservation_conflict: already converted into an order")),
)
async def release_reservation(caller: CallerDep, reservation_id: str):
    """Give the stock back now (customer left, payment failed). Idempotent."""
    hold = await caller.service.release(caller.channel, reservation_id)
    return json_response(reservation_view(hold))


@router.post(
    "/reservations/{reservation_id}/extend",
    response_model=s.Reservation,
    summary="Give a hold more time",
    responses=problem_responses((409, "reservation_conflict: the hold is no longer active")),
)
async def extend_reservation(caller: CallerDep, reservation_id: str, body: s.ExtendRequest):
    """Payment still in progress (3-D Secure, a slow wallet): the hold lives ``ttl_seconds``
    from now, never less than it had. An expired hold cannot come back: reserve again."""
    hold = await caller.service.extend(caller.channel, reservation_id, body.ttl_seconds)
    return json_response(reservation_view(hold))


@router.post(
    "/reservations/{reservation_id}/convert",
    response_model=s.Reservation,
    summary="Convert a hold into an order",
    responses=problem_responses((409, "reservation_conflict: converted for another order")),
)
async def convert_reservation(caller: CallerDep, reservation_id: str, body: s.ConvertRequest):
    """The order arrived in Odoo: the hold keeps counting until the projection shows Odoo's
    own reservation for it, then stops. Idempotent for the same ``order_ref``."""
    hold = await caller.service.convert(caller.channel, reservation_id, body.order_ref)
    return json_response(reservation_view(hold))
