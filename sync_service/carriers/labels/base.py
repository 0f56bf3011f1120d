"""What every label carrier offers, and the request and answer they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sync_service.errors import MalformedPayload


class LabelError(Exception):
    """A label that could not be bought. ``retryable``: the carrier was down or slow (try
    again later); otherwise the request itself is refused (an address the carrier does not
    know): Odoo is told, and a person buys one by hand."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class LabelAddress:
    name: str = ""
    company: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    zip: str = ""
    country_code: str = ""
    state_code: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """A ``label.requested`` payload (docs/contracts.md)."""

    key: str
    direction: str
    reference: str
    from_address: LabelAddress
    to_address: LabelAddress
    weight_kg: float
    carrier: str | None = None
    service: str | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> LabelRequest:
        try:
            return cls(
                key=str(payload["key"]),
                direction=str(payload.get("direction") or "outbound"),
                reference=str(payload.get("reference") or payload.get("picking_name") or ""),
                from_address=LabelAddress(**(payload.get("from_address") or {})),
                to_address=LabelAddress(**(payload.get("to_address") or {})),
                weight_kg=float((payload.get("parcel") or {}).get("weight_kg") or 0.1),
                carrier=payload.get("carrier") or None,
                service=payload.get("service") or None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedPayload(f"label.requested: {exc}", field="payload") from None


@dataclass(frozen=True, slots=True)
class BoughtLabel:
    tracking_number: str
    carrier: str
    label_pdf: bytes
    label_url: str = ""
    cost: Decimal = Decimal("0")
    currency: str = ""
    shipment_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class LabelCarrier(Protocol):
    """A carrier (or aggregator) that sells labels. ``buy`` is idempotent per ``request.key``
    given the ``state`` it is handed back: the adapter records what it created (e.g. a
    shipment id) with ``remember`` before paying, and a retry finds it."""

    name: str

    def buy(self, request: LabelRequest, state: dict[str, str], remember) -> BoughtLabel: ...
