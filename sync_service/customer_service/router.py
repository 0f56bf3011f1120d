"""Customer-service API for helpdesk tools and AI agents (docs/customer_service.md).

Thin on purpose: authenticate, check the scope, hand over to :class:`CustomerService`, answer.
Every error is problem+json with a stable ``title`` code; every change needs an
``Idempotency-Key`` header, and a repeat gets the first answer again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from sync_service.checkout.router import validation_problem
from sync_service.customer_service import schemas as s
from sync_service.customer_service.dependencies import Caller, requires
from sync_service.customer_service.exceptions import CustomerServiceError, OdooUnavailable

PROBLEM = "application/problem+json"
log = logging.getLogger("sync_service.customer_service")


def problem_response(error: CustomerServiceError) -> JSONResponse:
    body = {
        "type": f"urn:oms:problem:{error.code}",
        "title": error.code,
        "status": error.status_code,
        "detail": error.message,
        **({"field": error.field} if error.field else {}),
        **error.extensions,
    }
    headers = None
    if error.status_code in (429, 503):
        headers = {"Retry-After": str(error.extensions.get("retry_after", 5))}
    return JSONResponse(body, status_code=error.status_code, media_type=PROBLEM, headers=headers)


class ProblemRoute(APIRoute):
    """Routes whose errors answer problem+json: the API's own errors, invalid requests, and
    Redis away (503). ``area`` names the API in the log; ``challenge`` is the
    ``WWW-Authenticate`` scheme a 401 answers with, where the API has a standard one."""

    area = "customer service"
    challenge: str | None = None

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def problem_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except CustomerServiceError as error:
                answer = problem_response(error)
                if error.status_code == 401 and self.challenge:
                    answer.headers["WWW-Authenticate"] = self.challenge
                return answer
            except RequestValidationError as error:
                return validation_problem(error)
            except OSError as error:  # Redis away
                log.warning("%s: store unavailable: %s", self.area, error)
                return problem_response(
                    OdooUnavailable("store unavailable; retry shortly", code="store_unavailable")
                )

        return problem_handler


def answer(status: int, body: dict) -> Response:
    media = "application/json" if status < 400 else PROBLEM
    return Response(orjson.dumps(body), status_code=status, media_type=media)


def _problems(*codes: tuple[int, str]) -> dict:
    return {
        status: {"model": s.Problem, "content": {PROBLEM: {}}, "description": text}
        for status, text in codes
    }


router = APIRouter(
    prefix="/cs/v1",
    tags=["customer service"],
    route_class=ProblemRoute,
    responses=_problems(
        (401, "missing_api_key / bad_api_key"),
        (403, "missing_scope: the key may not do this"),
        (404, "not_found: no order with this number and e-mail / postal code"),
        (422, "invalid_request (field named)"),
        (429, "rate_limited: too many calls, or too many failed identity proofs"),
        (503, "odoo_unavailable: retry later"),
    ),
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Unique per change: a repeat with the same "
        "key gets the first answer and changes nothing twice.",
    ),
]
Reader = Annotated[Caller, Depends(requires("read"))]
Canceller = Annotated[Caller, Depends(requires("cancel"))]
Changer = Annotated[Caller, Depends(requires("change"))]
Returner = Annotated[Caller, Depends(requires("return"))]
CHANGE_PROBLEMS = _problems(
    (
        409,
        "refused: the order no longer allows it (already_shipped, being_prepared, ...); "
        "idempotency_conflict",
    ),
)


@router.post("/orders/find", response_model=s.FoundOrder, summary="Find an order")
async def find_order(caller: Reader, body: s.LookupRequest):
    """The order whose number and customer the identity names, in a few words."""
    return answer(200, await caller.service.read(caller, "find_order", body.identity))


@router.post("/orders/status", response_model=s.OrderStatus, summary="Status in plain words")
async def order_status(caller: Reader, body: s.LookupRequest):
    """What ships from where and when, tracking links, what is late and why."""
    return answer(200, await caller.service.read(caller, "order_status", body.identity))


@router.post("/orders/options", response_model=s.OrderOptions, summary="What can still change")
async def order_options(caller: Reader, body: s.LookupRequest):
    """Which lines may be cancelled and how many, whether the address and the delivery mode
    may change (and to which stores), whether a return can start - with why not."""
    return answer(200, await caller.service.read(caller, "order_options", body.identity))


@router.post(
    "/orders/cancel",
    response_model=s.ChangeResult,
    responses=CHANGE_PROBLEMS,
    summary="Cancel the order or lines",
)
async def cancel_order(caller: Canceller, body: s.CancelRequest, key: IdempotencyKey = None):
    """Cancel the whole order (no ``lines``) or some lines, while they have not left and no
    node is preparing them; the shop refunds what the customer paid for them."""
    return answer(
        *await caller.service.change(
            caller,
            "cancel_order",
            key,
            body,
            lines=[line.as_odoo() for line in body.lines],
            reason=body.reason,
        )
    )


@router.post(
    "/orders/change-address",
    response_model=s.ChangeResult,
    responses=CHANGE_PROBLEMS,
    summary="Change the delivery address",
)
async def change_address(caller: Changer, body: s.AddressRequest, key: IdempotencyKey = None):
    """Ship what is not being prepared yet to the new address: new carrier, new promise."""
    return answer(
        *await caller.service.change(
            caller,
            "change_address",
            key,
            body,
            address=body.address.model_dump(),
        )
    )


@router.post(
    "/orders/change-delivery-mode",
    response_model=s.ChangeResult,
    responses=CHANGE_PROBLEMS,
    summary="Home, pickup in a store or express",
)
async def change_delivery_mode(
    caller: Changer, body: s.DeliveryModeRequest, key: IdempotencyKey = None
):
    """Switch between home delivery (standard or express) and collection in a store."""
    return answer(
        *await caller.service.change(
            caller,
            "change_delivery_mode",
            key,
            body,
            mode=body.mode,
            pickup_store=body.pickup_store,
            service_level=body.service_level,
        )
    )


@router.post(
    "/orders/returns",
    response_model=s.ChangeResult,
    responses=CHANGE_PROBLEMS,
    summary="Start a return",
)
async def start_return(caller: Returner, body: s.ReturnRequest, key: IdempotencyKey = None):
    """Start a return of goods that have left (501 ``not_available`` until the returns of
    the OMS exist)."""
    return answer(
        *await caller.service.change(
            caller,
            "start_return",
            key,
            body,
            lines=[line.as_odoo() for line in body.lines],
            reason=body.reason,
        )
    )
