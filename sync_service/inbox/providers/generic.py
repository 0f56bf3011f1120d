"""Custom shops: the generic channel API, signed per the Standard Webhooks spec.

Headers ``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``
(space-separated ``v1,<base64>`` entries) over ``{id}.{timestamp}.{body}``; the secret is
``whsec_`` + base64 key. A timestamp further than the tolerance from now is refused (replay).
The body is ``{"type": "order.created|order.updated|order.cancelled", "timestamp": ...,
"data": <canonical order without "channel">}``.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, Field

from sync_service.canonical import (
    Amount,
    CanonicalOrder,
    IsoMoment,
    OrderLine,
    Payment,
    Quantity,
    dump,
)
from sync_service.errors import BadSignature, MalformedPayload
from sync_service.inbox.providers.base import (
    Delivery,
    build,
    hmac_sha256,
    same_digest,
    validate,
)

TYPES = {"order.created", "order.updated", "order.cancelled"}


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for a message (also used for what we send)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac_sha256(secret_key(secret), signed)).decode()


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    *,
    tolerance_s: int = 300,
    now: float | None = None,
    **_: object,
) -> None:
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and stamp and signatures):
        raise BadSignature("webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise BadSignature("webhook-timestamp is not an integer") from None
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        raise BadSignature("webhook-timestamp outside the tolerance")
    expected = sign(secret, msg_id, timestamp, body).removeprefix("v1,")
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and same_digest(expected, value):
            return
    raise BadSignature("no v1 signature matches the body")


class GenericLine(OrderLine):
    quantity: Quantity
    unit_price: Amount
    discount_percent: Amount = Decimal("0")


class GenericPayment(Payment):
    amount: Amount = Decimal("0")


class GenericOrder(CanonicalOrder):
    """The canonical order as a custom shop sends it: its channel is the URL's, and its
    values are the shop's own, so they are bounded here (canonical.Amount, IsoMoment)."""

    channel: str = Field("", description="Ignored: the channel is the one in the URL.")
    placed_at: IsoMoment = ""
    lines: list[GenericLine] = Field(min_length=1)
    shipping_price: Amount = Decimal("0")
    payment: GenericPayment = GenericPayment()


class GenericEnvelope(BaseModel):
    type: str = Field(examples=sorted(TYPES))
    timestamp: str = ""
    data: GenericOrder


def parse(channel: str, headers: Mapping[str, str], payload: object) -> Delivery:
    envelope = validate(GenericEnvelope, payload)
    if envelope.type not in TYPES:
        raise MalformedPayload(f"unsupported type {envelope.type!r}", field="type")
    values = {**envelope.data.model_dump(), "channel": channel}
    if envelope.type == "order.cancelled":
        values["status"] = "cancelled"
    order = build(CanonicalOrder, "data.", **values)
    return Delivery(
        headers["webhook-id"],
        envelope.type,
        "order",
        dump(order),
        order.external_id,
        order.external_version,
    )
