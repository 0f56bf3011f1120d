"""What every provider module offers, and the helpers they share."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from sync_service.errors import BadSignature, MalformedPayload

Kind = Literal["order", "refund", "return", "tracking"]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One verified, parsed webhook delivery, ready for the inbox."""

    delivery_id: str
    topic: str
    kind: Kind
    data: dict[str, Any]
    # For order events: the order's external id and version, so a stale redelivery
    # (older than what the inbox has already accepted) is recognised at the door.
    order_key: str | None = None
    version: int | None = None


def hmac_sha256(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).digest()


def same_digest(expected: str, received: str) -> bool:
    """Constant-time comparison of a digest with a header value as it arrived. Headers are
    read as latin-1, so a value may hold any character; compared as bytes, a non-ASCII one
    simply does not match (``compare_digest`` refuses non-ASCII ``str``)."""
    return hmac.compare_digest(expected.encode(), received.encode("utf-8", "replace"))


def check_base64_hmac(secret: str, body: bytes, received: str | None) -> None:
    if not received:
        raise BadSignature("signature header missing")
    expected = base64.b64encode(hmac_sha256(secret.encode(), body)).decode()
    if not same_digest(expected, received.strip()):
        raise BadSignature("signature does not match the body")


def check_hex_hmac(secret: str, body: bytes, received: str | None) -> None:
    if not received:
        raise BadSignature("signature header missing")
    expected = hmac_sha256(secret.encode(), body).hex()
    if not same_digest(expected, received.strip().lower()):
        raise BadSignature("signature does not match the body")


def require_header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise MalformedPayload(f"header {name} is required", field=f"header:{name}")
    return value


def validate(model: type[M], data: Any) -> M:
    """Parse a provider payload; a malformed one names the first offending field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unusable(exc) from None


def unusable(exc: ValueError | ArithmeticError, field_prefix: str = "") -> MalformedPayload:
    """A value the mapping could not use, as the 422 that names its field (the first
    pydantic error's location; ``body`` when the error does not say where)."""
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        field = field_prefix + ".".join(str(part) for part in error["loc"])
        return MalformedPayload(f"{field}: {error['msg']}", field=field or "body")
    return MalformedPayload(f"a value cannot be used ({type(exc).__name__})", field="body")


def version_ms(moment: datetime) -> int:
    """An order version from a timestamp: milliseconds since the epoch (naive = UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def discount_percent(gross: Decimal, net: Decimal) -> Decimal:
    """Discount of a line as a percentage of its gross amount, two decimals."""
    try:
        if gross <= 0:
            return Decimal("0")
        return ((gross - net) / gross * 100).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal("0")


def build(model: type[M], field_prefix: str, **values: Any) -> M:
    """Build a canonical model; a mapping that breaks it is the shop's payload's fault (422)."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise unusable(exc, field_prefix) from None
