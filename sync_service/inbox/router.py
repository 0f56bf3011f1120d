"""Webhook endpoints: verify the signature on the raw body, store once, answer.

Nothing here talks to Odoo: a delivery is stored in the inbox (Redis stream) before the 2xx and
workers take it from there. Answers: 202 accepted, 200 duplicate/stale (dropped), 401 bad
signature, 404 unknown channel, 413 too large, 422 malformed (field named), 503 inbox down.
"""

from __future__ import annotations

import logging

import orjson
from fastapi import APIRouter, Request, Response

from sync_service import metrics
from sync_service.carriers import normalise
from sync_service.config import Settings
from sync_service.errors import MalformedPayload, PayloadTooLarge, SyncError, UnknownSource
from sync_service.inbox.providers import PROVIDERS, woocommerce
from sync_service.inbox.providers.base import Delivery
from sync_service.inbox.store import InboxStore
from sync_service.redis import RedisDep, SettingsDep

log = logging.getLogger("sync_service.inbox")
router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_RESPONSES = {
    202: {"description": "Stored in the inbox"},
    200: {"description": "Duplicate or stale redelivery, dropped"},
    401: {"description": "Signature does not verify (nothing stored)"},
    413: {"description": "Body larger than the limit"},
    422: {"description": "Malformed payload; `field` names the offending field"},
    503: {"description": "Inbox unavailable; retry later"},
}


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed ``limit`` (header or stream)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes exceeds {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def load_json(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedPayload("body is not valid JSON", field="body") from None


def _store(request: Request, redis, settings: Settings) -> InboxStore:
    store = getattr(request.app.state, "inbox_store", None)
    if store is None:
        store = request.app.state.inbox_store = InboxStore(redis, settings.dedupe_ttl_s)
    return store


async def _accept(
    request: Request,
    store: InboxStore,
    source: str,
    provider: str,
    delivery: Delivery,
    raw: bytes,
) -> Response:
    outcome, ref = await store.store(source, provider, delivery, raw)
    if outcome == "accepted":
        metrics.WEBHOOKS_ACCEPTED.labels(source, provider).inc()
        status = 202
    elif outcome == "duplicate":
        metrics.WEBHOOKS_DUPLICATE.labels(source, provider).inc()
        status = 200
    else:
        metrics.WEBHOOKS_STALE.labels(source, provider).inc()
        status = 200
    log.info(
        "webhook %s", outcome,
        extra={"source": source, "delivery_id": delivery.delivery_id, "topic": delivery.topic,
               "order_external_id": delivery.data.get("external_id"), "stream_id": ref},
    )  # fmt: skip
    body = orjson.dumps({"status": outcome, "delivery_id": delivery.delivery_id})
    return Response(body, status_code=status, media_type="application/json")


def _rejected(source: str, provider: str, exc: SyncError) -> None:
    metrics.WEBHOOKS_REJECTED.labels(source, provider, exc.code).inc()
    log.warning(
        "webhook rejected: %s", exc.message,
        extra={"source": source, "reason": exc.code, "field": exc.field},
    )  # fmt: skip


@router.post("/carriers/{carrier}", status_code=202, responses=_RESPONSES)
async def carrier_webhook(
    carrier: str, request: Request, redis: RedisDep, settings: SettingsDep
) -> Response:
    """A carrier's tracking update (EasyPost or AfterShip format, per carrier settings)."""
    config = settings.carriers.get(carrier)
    fmt = config.format if config else "unknown"
    metrics.WEBHOOKS_IN.labels(carrier, fmt).inc()
    try:
        if config is None:
            raise UnknownSource(f"no carrier {carrier!r} is configured")
        raw = await read_body(request, settings.max_body_bytes)
        normalise.verify(fmt, request.headers, raw, config.secret.get_secret_value())
        delivery = normalise.parse(fmt, carrier, load_json(raw))
        return await _accept(request, _store(request, redis, settings), carrier, fmt, delivery, raw)
    except SyncError as exc:
        _rejected(carrier, fmt, exc)
        raise


@router.post("/{channel}", status_code=202, responses=_RESPONSES)
async def channel_webhook(
    channel: str, request: Request, redis: RedisDep, settings: SettingsDep
) -> Response:
    """A shop's order webhook; the channel's provider decides signature and payload format."""
    config = settings.channels.get(channel)
    provider = config.provider if config else "unknown"
    metrics.WEBHOOKS_IN.labels(channel, provider).inc()
    try:
        if config is None:
            raise UnknownSource(f"no channel {channel!r} is configured")
        raw = await read_body(request, settings.max_body_bytes)
        if provider == "woocommerce" and woocommerce.is_ping(raw):
            return Response(b'{"status":"ping"}', media_type="application/json")
        module = PROVIDERS[provider]
        module.verify(
            request.headers, raw, config.secret.get_secret_value(),
            tolerance_s=settings.webhook_tolerance_s,
        )  # fmt: skip
        delivery = module.parse(channel, request.headers, load_json(raw))
        return await _accept(request, _store(request, redis, settings), channel, provider,
                             delivery, raw)  # fmt: skip
    except SyncError as exc:
        _rejected(channel, provider, exc)
        raise
