"""What every shop adapter shares: the error that says whether a retry can help, the HTTP
status check, and the base class that dispatches an outbox topic to ``on_<topic>``."""

from __future__ import annotations

import httpx
import redis

from sync_service.config import ChannelSettings


class PushError(Exception):
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def check_reply(reply: httpx.Response, what: str) -> httpx.Response:
    if reply.status_code == 429 or reply.status_code >= 500:
        raise PushError(f"{what}: HTTP {reply.status_code}", retryable=True)
    if reply.status_code >= 400:
        raise PushError(f"{what}: HTTP {reply.status_code} {reply.text[:200]}", retryable=False)
    return reply


def carrier_of(payload: dict) -> str:
    """The carrier as the shops and our carrier settings name it: the carrier's code
    (``carrier_code``, e.g. ``dhl``) when Odoo sends one, else the service's display name."""
    return str(payload.get("carrier_code") or payload.get("carrier") or "")


class ShopAdapter:
    """Base: does nothing for a topic it does not know (returns ``"skipped"``)."""

    def __init__(self, code: str, channel: ChannelSettings, http: httpx.Client,
                 redis: redis.Redis | None = None) -> None:  # fmt: skip
        self.code = code
        self.channel = channel
        self.http = http
        self.redis = redis  # remembers shop-side ids (Shopify fulfilment per picking)

    def push(self, topic: str, event_id: int, payload: dict) -> str:
        handler = getattr(self, "on_" + topic.replace(".", "_"), None)
        if handler is None:
            return "skipped"
        return handler(event_id, payload)

    def set_inventory(self, sku: str, available: int) -> str:
        return "skipped"

    def orders_updated_since(self, watermark: str) -> list[dict]:
        return []
