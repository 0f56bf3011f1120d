"""The canonical order, refund and tracking event: what every shop's payload becomes.

The shapes are owned by docs/contracts.md (``oms.intake.ingest_orders`` / ``apply_refunds`` /
``apply_tracking``);
Odoo receives ``model_dump(mode="json")`` of these models. Money stays ``Decimal`` and travels
as a decimal string, never a float.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

# Bounds of what a shop can send, checked at the door by the models that read a shop's payload
# (the providers', the generic channel's): a value past them is the payload's fault (422
# naming the field), not an overflow in the mapping (500) or a dead letter in Odoo. The
# canonical models below are built from values already checked, so they do not check again;
# pydantic-core checks these natively (every webhook pays for them).
MAX_AMOUNT = Decimal("1e12")
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 1, 1, tzinfo=timezone.utc)
# Money: a finite decimal below 10^12 (1e999999999 is no price; arithmetic on it overflows).
Amount = Annotated[Decimal, Field(gt=-MAX_AMOUNT, lt=MAX_AMOUNT)]
Quantity = Annotated[Decimal, Field(gt=0, lt=MAX_AMOUNT)]
# A moment between 1970 and 9999 once in UTC (year 1 at +14:00 is not one).
Moment = Annotated[datetime, Field(ge=EARLIEST, lt=LATEST)]
_MOMENT = TypeAdapter(Moment)


def _iso_moment(value: str) -> str:
    if value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        try:
            _MOMENT.validate_python(moment)
        except ValidationError:
            raise ValueError("must be a date between 1970 and 9999") from None
    return value


# An ISO 8601 moment as text (what Odoo parses), or empty: for what a shop writes itself.
IsoMoment = Annotated[str, AfterValidator(_iso_moment)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Customer(_Model):
    external_id: str = ""
    email: str = ""
    name: str = ""
    phone: str = ""


class Address(_Model):
    name: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    zip: str = ""
    country_code: str = Field("", max_length=2)
    state_code: str = ""
    phone: str = ""


class OrderLine(_Model):
    external_id: str
    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)
    unit_price: Decimal
    discount_percent: Decimal = Decimal("0")


class Payment(_Model):
    status: Literal["pending", "authorized", "paid"] = "pending"
    method: str = ""
    amount: Decimal = Decimal("0")
    reference: str = ""


class CanonicalOrder(_Model):
    channel: str
    external_id: str = Field(min_length=1)
    # Monotonic per order (the shop's updated_at in ms); Odoo calls an older one "stale".
    # Below 2**53: the inbox compares versions as Lua numbers (doubles).
    external_version: int = Field(ge=0, lt=2**53)
    status: Literal["open", "cancelled"] = "open"
    name: str = ""
    placed_at: str = ""
    currency: str = Field(min_length=3, max_length=3)
    customer: Customer = Customer()
    shipping_address: Address
    billing_address: Address | None = None
    lines: list[OrderLine] = Field(min_length=1)
    service_level: Literal["standard", "express"] = "standard"
    shipping_price: Decimal = Decimal("0")
    delivery_mode: Literal["ship", "pickup"] = "ship"
    pickup_store: str | None = None
    allow_split: bool = True
    payment: Payment = Payment()
    reservation_id: str | None = None


class RefundLine(_Model):
    """Units of one order line the shop refunded, and what happens to the goods."""

    external_id: str = ""  # the shop's order line id (OrderLine.external_id); else sku
    sku: str = ""
    quantity: Decimal = Field(ge=0)
    amount: Decimal = Decimal("0")  # the shop's refunded subtotal of the line
    # cancel: refunded before shipping, the units come off the open delivery;
    # return: the customer sends them back; no_restock: the customer keeps them.
    restock_type: Literal["cancel", "return", "no_restock"] = "no_restock"

    @model_validator(mode="after")
    def _names_its_line(self) -> RefundLine:
        if not (self.external_id or self.sku):
            raise ValueError("a refund line needs external_id or sku")
        return self


class CanonicalRefund(_Model):
    channel: str
    external_id: str = Field(min_length=1)  # the order's id at the shop
    refund_id: str = Field(min_length=1)  # the refund's id at the shop, unique per channel
    created_at: str = ""
    currency: str = Field("", max_length=3)
    amount: Decimal = Decimal("0")  # what the shop paid back, shipping included
    note: str = ""
    lines: list[RefundLine] = []


ReturnReason = Literal[
    "changed_mind", "wrong_size", "not_as_described", "wrong_item", "damaged_in_transit",
    "defective", "late", "other",
]  # fmt: skip


class ReturnLine(_Model):
    """Units of one order line the customer sends back, and why."""

    external_id: str = ""  # the shop's order line id (OrderLine.external_id); else sku
    sku: str = ""
    quantity: Decimal = Field(gt=0)
    reason: ReturnReason = "other"
    condition: Literal["as_new", "opened", "damaged", "defective"] | None = None

    @model_validator(mode="after")
    def _names_its_line(self) -> ReturnLine:
        if not (self.external_id or self.sku):
            raise ValueError("a return line needs external_id or sku")
        return self


class CanonicalReturn(_Model):
    """A return the shop opened (``oms.intake.apply_returns``, docs/contracts.md)."""

    channel: str
    external_id: str = Field(min_length=1)  # the order's id at the shop
    return_id: str = Field(min_length=1)  # the return's id at the shop, unique per channel
    note: str = ""
    lines: list[ReturnLine] = Field(min_length=1)


class TrackingStatus(str, Enum):
    """One status vocabulary for every carrier; which scan moves a parcel is
    oms_engine.tracking's rule (docs/contracts.md, apply_tracking)."""

    pre_transit = "pre_transit"
    in_transit = "in_transit"
    out_for_delivery = "out_for_delivery"
    delivered = "delivered"
    available_for_pickup = "available_for_pickup"
    return_to_sender = "return_to_sender"
    failure = "failure"
    exception = "exception"
    unknown = "unknown"


class TrackingEvent(_Model):
    carrier: str
    tracking_number: str = Field(min_length=1)
    status: TrackingStatus
    occurred_at: str
    event_id: str
    location: str = ""
    message: str = ""


def dump(model: BaseModel) -> dict:
    """The JSON-ready dict that goes over JSON-RPC (Decimals as strings)."""
    return model.model_dump(mode="json")
