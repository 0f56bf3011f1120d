"""Webhook endpoints: verify the signature on the raw body, store once, answer.

Nothing here talks to Odoo: a delivery is stored in the inbox (Redis stream) before the 2xx and
workers take it from there. Answers: 202 accepted, 200 duplicate/stale (dropped), 401 bad
signature, 404 unknown channel, 413 too large, 422 malformed (field named), 503 inbox down.

These routes document the API (OpenAPI) and serve it when the app runs without the fast path;
:class:`WebhookFastPath` serves the same paths with the same :func:`service.accept` and less
per-request overhead.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from sync_service.carriers import normalise
from sync_service.config import Settings
from sync_service.errors import SyncError, problem, problem_responses
from sync_service.inbox import service
from sync_service.inbox.providers import generic, shopify, shopware, woocommerce
from sync_service.inbox.store import InboxStore
from sync_service.redis import make_async_redis

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class WebhookAnswer(BaseModel):
    status: Literal["accepted", "duplicate", "stale", "ping"]
    delivery_id: str | None = None


_RESPONSES = {
    202: {"model": WebhookAnswer, "description": "Stored in the inbox"},
    200: {
        "model": WebhookAnswer,
        "description": (
            "Dropped: a delivery id already seen, an order version already stored (`duplicate`), "
            "an older version than one stored (`stale`), WooCommerce's ping"
        ),
    },
    **problem_responses(
        (401, "Signature missing or not matching the body (nothing stored)"),
        (404, "No such channel or carrier configured"),
        (413, "Body larger than the limit"),
        (422, "Not JSON, or a value missing or unusable; `field` names it"),
        (503, "Inbox unavailable; retry later"),
    ),
}
# What each route's body may be: the channel's (or carrier's) provider decides which.
BODIES = {
    "/webhooks/{channel}": [shopify.ShopifyOrder, shopify.ShopifyRefund, woocommerce.WooOrder,
                            shopware.SwWebhook, generic.GenericEnvelope],
    "/webhooks/carriers/{carrier}": [normalise.EpEvent, normalise.AsWebhook],
}  # fmt: skip


def document_bodies(openapi: dict) -> dict:
    """Add the providers' payloads to the OpenAPI document as the webhooks' request bodies.
    The handlers read the raw body themselves (the signature is over its bytes), so FastAPI
    cannot derive these from their signatures."""
    models = [model for group in BODIES.values() for model in group]
    _, top = models_json_schema([(model, "validation") for model in models],
                                ref_template="#/components/schemas/{model}")  # fmt: skip
    openapi.setdefault("components", {}).setdefault("schemas", {}).update(top.get("$defs", {}))
    for path, group in BODIES.items():
        refs = [{"$ref": f"#/components/schemas/{model.__name__}"} for model in group]
        openapi["paths"][path]["post"]["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"oneOf": refs}}},
        }
    return openapi


def inbox_store(app) -> InboxStore:
    store = getattr(app.state, "inbox_store", None)
    if store is None:
        if app.state.redis is None:
            app.state.redis = make_async_redis(app.state.settings)
        store = InboxStore(app.state.redis, app.state.settings.dedupe_ttl_s)
        app.state.inbox_store = store
    return store


def _path_parameter(name: str, description: str) -> dict:
    # The handler reads its path parameter itself: FastAPI's parameter machinery costs more
    # per webhook than verifying and storing it.
    return {"parameters": [{"name": name, "in": "path", "required": True,
                            "description": description, "schema": {"type": "string"}}]}  # fmt: skip


async def _answer(request: Request, source_kind: str, code: str) -> Response:
    settings: Settings = request.app.state.settings
    headers = dict(request.headers.items())
    try:
        status, body = await service.accept(
            settings, inbox_store(request.app), source_kind, code, headers, request.stream()
        )
    except SyncError as exc:
        return problem(exc.status_code, exc.code, exc.message, exc.field)
    return Response(body, status_code=status, media_type="application/json")


@router.post("/carriers/{carrier}", status_code=202, responses=_RESPONSES,
             openapi_extra=_path_parameter("carrier", "carrier code in the settings"))  # fmt: skip
async def carrier_webhook(request: Request) -> Response:
    """A carrier's tracking update (EasyPost or AfterShip format, per carrier settings)."""
    return await _answer(request, "carrier", request.path_params["carrier"])


@router.post("/{channel}", status_code=202, responses=_RESPONSES,
             openapi_extra=_path_parameter("channel", "sales channel code"))  # fmt: skip
async def channel_webhook(request: Request) -> Response:
    """A shop's order webhook; the channel's provider decides signature and payload format."""
    return await _answer(request, "channel", request.path_params["channel"])
