"""Request and answer shapes of the customer-service API (and the MCP server's tools).

Identity travels in the body, never in the URL: an e-mail address or a postal code must not
end up in access logs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Identity(_In):
    """Who the customer is: the order's number and the e-mail address or the delivery postal
    code of that order. Both are needed; a mismatch is answered as "not found"."""

    order: str = Field(
        min_length=1,
        max_length=64,
        description="Order number: the shop's (#1042) or the OMS's (S00042).",
    )
    email: str | None = Field(None, max_length=254, description="The customer's e-mail address.")
    postal_code: str | None = Field(
        None, max_length=20, description="The delivery address's postal code."
    )

    @model_validator(mode="after")
    def _proof(self) -> Identity:
        if not (self.email or self.postal_code):
            raise ValueError("an e-mail address or a postal code is needed to prove the identity")
        return self

    def as_odoo(self) -> dict:
        return self.model_dump(exclude_none=True)


class LineRequest(_In):
    """One line to cancel or return: by ``line_id`` (from status/options) or by ``sku``."""

    line_id: int | None = Field(None, description="The line's id, as status/options give it.")
    sku: str | None = Field(None, max_length=64, description="The product's SKU.")
    quantity: Decimal = Field(gt=0, description="How many, in ``uom`` (default the line's).")
    uom: str | None = Field(None, max_length=32, description="Unit name, e.g. 'Units', 'Dozens'.")

    @model_validator(mode="after")
    def _names_a_line(self) -> LineRequest:
        if not (self.line_id or self.sku):
            raise ValueError("a line needs line_id or sku")
        return self

    def as_odoo(self) -> dict:
        data = self.model_dump(exclude_none=True)
        data["quantity"] = float(self.quantity)
        return data


class LookupRequest(_In):
    identity: Identity


class CancelRequest(_In):
    identity: Identity
    lines: list[LineRequest] = Field(
        [], max_length=100, description="Empty: cancel the whole order."
    )
    reason: str | None = Field(None, max_length=500)


class Address(_In):
    name: str = Field("", max_length=128)
    street: str = Field(min_length=1, max_length=128)
    street2: str = Field("", max_length=128)
    city: str = Field("", max_length=64)
    zip: str = Field("", max_length=20)
    country_code: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2.")
    state_code: str = Field("", max_length=8)
    phone: str = Field("", max_length=32)


class AddressRequest(_In):
    identity: Identity
    address: Address


class DeliveryModeRequest(_In):
    identity: Identity
    mode: Literal["ship", "pickup"]
    pickup_store: str | None = Field(None, max_length=16, description="Store code for pickup.")
    service_level: Literal["standard", "express"] | None = None


class ReturnRequest(_In):
    identity: Identity
    lines: list[LineRequest] = Field(min_length=1, max_length=100)
    reason: str | None = Field(None, max_length=500)


# ----------------------------------------------------------------------------- answers


class OrderHeader(_Out):
    order: str
    shop_order: str | None = None
    placed_on: str
    customer: str
    state: str
    total: str
    delivery: str


class LineStatus(_Out):
    line_id: int
    sku: str
    product: str
    quantity: float
    unit: str
    shipped: float


class Shipment(_Out):
    reference: str
    from_: str = Field(alias="from")
    kind: Literal["parcel", "pickup"]
    status: str
    shipped: bool
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    promised: str | None = None
    late: bool
    late_reason: str
    items: str

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)


class RefundStatus(_Out):
    amount: str
    state: str
    reason: str


class FoundOrder(_Out):
    order: OrderHeader


class OrderStatus(_Out):
    order: OrderHeader
    summary: str
    promise: str
    late: bool
    late_reasons: list[str]
    lines: list[LineStatus]
    shipments: list[Shipment]
    refunds: list[RefundStatus]


class CancellableLine(_Out):
    line_id: int
    sku: str
    product: str
    cancellable: float
    unit: str
    why_not: str


class CancelOptions(_Out):
    whole_order: bool
    possible: bool
    why_not: str
    lines: list[CancellableLine]


class Possible(_Out):
    possible: bool
    why_not: str


class PickupStore(_Out):
    code: str
    name: str


class DeliveryModeOptions(_Out):
    possible: bool
    why_not: str
    current: dict
    service_levels: list[str]
    pickup_stores: list[PickupStore]


class OrderOptions(_Out):
    order: str
    cancel: CancelOptions
    change_address: Possible
    change_delivery_mode: DeliveryModeOptions
    return_: Possible = Field(alias="return")

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)


class Money(_Out):
    amount: str
    currency: str
    text: str
    state: str


class ChangeResult(_Out):
    """What a change did: in words (``summary``, ``promise``) and in data."""

    status: Literal["done"]
    operation: str
    order: str
    order_state: str
    summary: str
    refund: Money | None = None
    promised_date: str | None = None
    promise: str
    replayed: bool = False


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
