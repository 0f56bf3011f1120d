"""WooCommerce: order.created / order.updated webhooks (REST API v3 order resource).

Signed with ``X-WC-Webhook-Signature`` = base64(HMAC-SHA256(secret, raw body)); each delivery
has ``X-WC-Webhook-Delivery-ID`` and the topic in ``X-WC-Webhook-Topic``. When a webhook is
saved WooCommerce sends an unsigned ping (``webhook_id=N`` form body): answered 200, not stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, Field

from sync_service.canonical import (
    Address,
    Amount,
    CanonicalOrder,
    Customer,
    Moment,
    OrderLine,
    Payment,
    dump,
)
from sync_service.errors import MalformedPayload
from sync_service.inbox.providers.base import (
    Delivery,
    build,
    check_base64_hmac,
    discount_percent,
    iso_utc,
    require_header,
    validate,
    version_ms,
)

TOPICS = {"order.created", "order.updated"}


class WooAddress(BaseModel):
    first_name: str = ""
    last_name: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = Field("", max_length=2)
    email: str | None = None
    phone: str | None = None


class WooLineItem(BaseModel):
    id: int
    sku: str | None = None
    quantity: int = Field(gt=0, lt=10**9)
    price: Amount
    subtotal: Amount
    total: Amount


class WooShippingLine(BaseModel):
    method_id: str = ""
    method_title: str = ""
    total: Amount = Decimal("0")


class WooOrder(BaseModel):
    id: int
    number: str
    status: str
    currency: str
    date_created_gmt: Moment
    date_modified_gmt: Moment
    date_paid_gmt: Moment | None = None
    total: Amount
    customer_id: int = 0
    payment_method: str = ""
    transaction_id: str = ""
    billing: WooAddress
    shipping: WooAddress
    line_items: list[WooLineItem]
    shipping_lines: list[WooShippingLine] = []


def is_ping(body: bytes) -> bool:
    return body.startswith(b"webhook_id=")


def verify(headers: Mapping[str, str], body: bytes, secret: str, **_: object) -> None:
    check_base64_hmac(secret, body, headers.get("x-wc-webhook-signature"))


def _address(address: WooAddress, phone: str = "") -> Address:
    return Address(
        name=f"{address.first_name} {address.last_name}".strip(),
        street=address.address_1,
        street2=address.address_2,
        city=address.city,
        zip=address.postcode,
        country_code=address.country,
        state_code=address.state,
        phone=address.phone or phone,
    )


def parse(channel: str, headers: Mapping[str, str], payload: object) -> Delivery:
    delivery_id = require_header(headers, "x-wc-webhook-delivery-id")
    topic = require_header(headers, "x-wc-webhook-topic")
    if topic not in TOPICS:
        raise MalformedPayload(f"unsupported topic {topic!r}", field="header:x-wc-webhook-topic")
    order = to_canonical(channel, validate(WooOrder, payload))
    return Delivery(
        delivery_id, topic, "order", dump(order), order.external_id, order.external_version
    )


def to_canonical(channel: str, order: WooOrder) -> CanonicalOrder:
    lines = []
    for index, item in enumerate(order.line_items):
        if not item.sku:
            raise MalformedPayload(
                f"line_items.{index}.sku: a SKU is required", field=f"line_items.{index}.sku"
            )
        lines.append(
            OrderLine(
                external_id=str(item.id),
                sku=item.sku,
                quantity=Decimal(item.quantity),
                unit_price=item.subtotal / item.quantity,
                discount_percent=discount_percent(item.subtotal, item.total),
            )
        )
    if not lines:
        raise MalformedPayload("line_items: at least one line is required", field="line_items")
    # A shipping block without a street (virtual goods, some checkouts) falls back to billing.
    shipping = order.shipping if order.shipping.address_1 else order.billing
    methods = " ".join(f"{s.method_id} {s.method_title}" for s in order.shipping_lines).lower()
    paid = order.date_paid_gmt is not None or order.status in ("processing", "completed")
    return build(
        CanonicalOrder,
        "",
        channel=channel,
        external_id=str(order.id),
        external_version=version_ms(order.date_modified_gmt),
        status="cancelled" if order.status in ("cancelled", "refunded") else "open",
        name=f"#{order.number}",
        placed_at=iso_utc(order.date_created_gmt),
        currency=order.currency,
        customer=Customer(
            external_id=str(order.customer_id or ""),
            email=order.billing.email or "",
            name=f"{order.billing.first_name} {order.billing.last_name}".strip(),
            phone=order.billing.phone or "",
        ),
        shipping_address=_address(shipping, order.billing.phone or ""),
        billing_address=_address(order.billing),
        lines=lines,
        service_level="express" if "express" in methods else "standard",
        shipping_price=sum((s.total for s in order.shipping_lines), Decimal("0")),
        delivery_mode="pickup" if "local_pickup" in methods else "ship",
        payment=Payment(
            status="paid" if paid else "pending",
            method=order.payment_method,
            amount=order.total,
            reference=order.transaction_id,
        ),
    )
