"""The supplier stock endpoint: a drop-ship supplier's system sends its stock with its API
key (docs/sync_service.md, "Supplier stock feed").

``POST /suppliers/v1/stock`` with ``Authorization: Bearer <key>`` (or ``X-API-Key``), an
``Idempotency-Key`` header and either JSON ``{"lines": [{"sku": ..., "quantity": ...}]}`` or
the portal's CSV file (``Content-Type: text/csv``). Every error is problem+json.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from sync_service.customer_service.idempotency import check_key
from sync_service.customer_service.router import ProblemRoute as CustomerServiceRoute
from sync_service.errors import problem_responses
from sync_service.redis import get_redis
from sync_service.suppliers import exceptions as exc
from sync_service.suppliers.odoo import SupplierOdoo
from sync_service.suppliers.service import SupplierStockService
from sync_service.suppliers.store import FailedKeys

MAX_BYTES = 5 * 1024 * 1024  # the portal's limit for the same file

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="SupplierKey",
    description="The supplier's stock feed API key (issued in the portal).",
)
API_KEY = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="SupplierApiKey",
    description="The same key, for systems that cannot send a bearer.",
)


class ProblemRoute(CustomerServiceRoute):
    """The customer-service API's problem+json errors; a 401 challenges for the bearer key."""

    area = "supplier stock feed"
    challenge = "Bearer"


router = APIRouter(
    prefix="/suppliers/v1",
    tags=["suppliers"],
    route_class=ProblemRoute,
    responses=problem_responses(
        (401, "missing_api_key / bad_api_key / revoked_api_key"),
        (409, "idempotency_conflict / idempotency_in_progress"),
        (413, "payload_too_large"),
        (422, "stock_refused: errors[] names each line and why; nothing was changed"),
        (429, "rate_limited: too many wrong API keys"),
        (503, "odoo_unavailable: nothing was changed; send again after Retry-After"),
    ),
)


def supplier_service(request: Request) -> SupplierStockService:
    state = request.app.state
    service = getattr(state, "supplier_service", None)
    if service is None:
        odoo = getattr(state, "supplier_odoo", None) or SupplierOdoo(state.settings)
        service = state.supplier_service = SupplierStockService(
            odoo, FailedKeys(get_redis(request))
        )
    return service


STOCK_EXAMPLE = {"lines": [{"sku": "SOFA-3S", "quantity": 12}, {"sku": "TABLE-OAK", "quantity": 0}]}


@router.post(
    "/stock",
    summary="Send the supplier's stock",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"example": STOCK_EXAMPLE},
                "text/csv": {"example": "sku,quantity\nSOFA-3S,12\nTABLE-OAK,0\n"},
            },
        }
    },
)
async def supply_stock(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
    x_api_key: Annotated[str | None, Security(API_KEY)] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
):
    """The quantities replace the supplier node's stock of those SKUs, all or nothing; a
    repeat with the same Idempotency-Key applies once and gets the same summary."""
    key = bearer.credentials if bearer else x_api_key
    if not key:
        raise exc.MissingApiKey("send your stock feed API key as a Bearer token")
    idempotency_key = check_key(idempotency_key)
    feed_format, payload = await _read_feed(request)
    caller = request.client.host if request.client else "unknown"
    summary = await supplier_service(request).supply_stock(
        caller, key, idempotency_key, feed_format, payload
    )
    return Response(orjson.dumps(summary), media_type="application/json")


async def _read_feed(request: Request) -> tuple[str, Any]:
    raw = await _body(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        # Bytes as they came: Odoo's reader says which line is not UTF-8.
        return "csv", base64.b64encode(raw).decode()
    if kind != "application/json":
        raise exc.InvalidFeed(
            "send JSON (Content-Type: application/json) or CSV (Content-Type: text/csv)",
            field="header:content-type",
        )
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise exc.InvalidFeed("the body is not JSON", field="body") from None
    if not isinstance(body, dict) or not isinstance(body.get("lines"), list):
        raise exc.InvalidFeed('the body must be {"lines": [{"sku": ..., "quantity": ...}]}',
                              field="body.lines")  # fmt: skip
    return "json", body["lines"]


async def _body(request: Request) -> bytes:
    """The body, refused as soon as it passes ``MAX_BYTES`` (never read whole first)."""
    too_large = exc.FeedTooLarge(f"the feed is larger than {MAX_BYTES // 2**20} MB; split it")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
