"""Accepting one webhook delivery: size, signature, payload, store. No web framework here.

Both the documented FastAPI routes and the ASGI fast path call :func:`accept`, so there is one
implementation of the rules; the fast path only skips FastAPI's per-request machinery, which
costs more CPU than verifying and storing the webhook.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from functools import partial

import orjson

from sync_service import metrics
from sync_service.carriers import normalise
from sync_service.config import Settings
from sync_service.errors import MalformedPayload, PayloadTooLarge, SyncError, UnknownSource
from sync_service.inbox.providers import PROVIDERS, woocommerce
from sync_service.inbox.providers.base import unusable
from sync_service.inbox.store import InboxStore

log = logging.getLogger("sync_service.inbox")

STATUS_OF = {"accepted": 202, "duplicate": 200, "stale": 200}


async def read_body(declared: str | None, chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed ``limit`` (header or stream)."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes exceeds {limit}")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body exceeds {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def load_json(body: bytes) -> object:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedPayload("body is not valid JSON", field="body") from None


async def accept(
    settings: Settings,
    store: InboxStore,
    source_kind: str,
    code: str,
    headers: Mapping[str, str],
    chunks: AsyncIterator[bytes],
) -> tuple[int, bytes]:
    """Answer one delivery to ``/webhooks/{code}`` or ``/webhooks/carriers/{code}``.

    ``headers`` must have lower-case names. Returns (HTTP status, JSON body); rejections raise
    a :class:`SyncError` (problem+json) after counting them.
    """
    if source_kind == "carrier":
        config = settings.carriers.get(code)
        provider = config.format if config else "unknown"
    else:
        config = settings.channels.get(code)
        provider = config.provider if config else "unknown"
    metrics.WEBHOOKS_IN.labels(code, provider).inc()
    try:
        if config is None:
            raise UnknownSource(f"no {source_kind} {code!r} is configured")
        raw = await read_body(headers.get("content-length"), chunks, settings.max_body_bytes)
        secret = config.secret.get_secret_value()
        if source_kind == "carrier":
            normalise.verify(provider, headers, raw, secret)
            parse = partial(normalise.parse, provider, code)
        else:
            if provider == "woocommerce" and woocommerce.is_ping(raw):
                return 200, b'{"status":"ping"}'
            module = PROVIDERS[provider]
            module.verify(headers, raw, secret, tolerance_s=settings.webhook_tolerance_s)
            parse = partial(module.parse, code, headers)
        payload = load_json(raw)
        try:
            delivery = parse(payload)
        except (ValueError, ArithmeticError) as exc:
            # The providers' models bound what they read; this is the net under them: a
            # signed payload the mapping cannot use is the shop's fault, never a 500.
            log.warning("webhook mapping refused a value: %s", type(exc).__name__,
                        extra={"source": code})  # fmt: skip
            raise unusable(exc) from None
        outcome, ref = await store.store(code, provider, delivery, raw)
    except SyncError as exc:
        metrics.WEBHOOKS_REJECTED.labels(code, provider, exc.code).inc()
        log.warning(
            "webhook rejected: %s", exc.message,
            extra={"source": code, "reason": exc.code, "field": exc.field},
        )  # fmt: skip
        raise
    counter = {"accepted": metrics.WEBHOOKS_ACCEPTED, "duplicate": metrics.WEBHOOKS_DUPLICATE,
               "stale": metrics.WEBHOOKS_STALE}[outcome]  # fmt: skip
    counter.labels(code, provider).inc()
    if log.isEnabledFor(logging.INFO):
        log.info(
            "webhook %s", outcome,
            extra={"source": code, "delivery_id": delivery.delivery_id, "topic": delivery.topic,
                   "order_external_id": delivery.data.get("external_id"), "stream_id": ref},
        )  # fmt: skip
    return STATUS_OF[outcome], orjson.dumps(
        {"status": outcome, "delivery_id": delivery.delivery_id}
    )
