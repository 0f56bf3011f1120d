"""Shopify: orders/create|updated|cancelled and refunds/create webhooks.

Signed with ``X-Shopify-Hmac-Sha256`` = base64(HMAC-SHA256(secret, raw body)); each delivery
carries ``X-Shopify-Webhook-Id`` (stable across retries) and the order's ``updated_at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, Field

from sync_service.canonical import (
    Address,
    Amount,
    CanonicalOrder,
    CanonicalRefund,
    Customer,
    Moment,
    OrderLine,
    Payment,
    RefundLine,
    dump,
)
from sync_service.errors import MalformedPayload
from sync_service.inbox.providers import shopify_returns
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

ORDER_TOPICS = {"orders/create", "orders/updated", "orders/cancelled"}
TOPICS = ORDER_TOPICS | {"refunds/create"} | shopify_returns.TOPICS


class ShopifyAddress(BaseModel):
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    country_code: str | None = Field(None, max_length=2)
    province_code: str | None = None
    phone: str | None = None


class ShopifyCustomer(BaseModel):
    id: int | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class ShopifyLineItem(BaseModel):
    id: int
    sku: str | None = None
    quantity: int = Field(gt=0, lt=10**9)
    price: Amount
    total_discount: Amount = Decimal("0")


class ShopifyShippingLine(BaseModel):
    code: str | None = None
    title: str | None = None
    price: Amount = Decimal("0")


class ShopifyOrder(BaseModel):
    id: int
    name: str
    email: str | None = None
    created_at: Moment
    updated_at: Moment
    cancelled_at: Moment | None = None
    currency: str
    financial_status: str | None = None
    total_price: Amount
    gateway: str | None = None
    payment_gateway_names: list[str] = []
    customer: ShopifyCustomer | None = None
    shipping_address: ShopifyAddress | None = None
    billing_address: ShopifyAddress | None = None
    line_items: list[ShopifyLineItem]
    shipping_lines: list[ShopifyShippingLine] = []


class ShopifyRefundedItem(BaseModel):
    sku: str | None = None


class ShopifyRefundLine(BaseModel):
    line_item_id: int
    quantity: int = Field(ge=0, lt=10**9)
    restock_type: str | None = None
    subtotal: Amount = Decimal("0")
    line_item: ShopifyRefundedItem | None = None


class ShopifyTransaction(BaseModel):
    amount: Amount = Decimal("0")
    currency: str | None = None
    kind: str | None = None
    status: str | None = None


class ShopifyRefund(BaseModel):
    id: int
    order_id: int
    created_at: Moment
    note: str | None = None
    refund_line_items: list[ShopifyRefundLine] = []
    transactions: list[ShopifyTransaction] = []


# Shopify's restock types -> the contract's. "legacy_restock" (older refunds: restocked without
# saying whether the units had shipped) is a cancellation: Odoo takes off what has not shipped
# and expects the rest back.
RESTOCK = {"cancel": "cancel", "return": "return", "legacy_restock": "cancel"}


def verify(headers: Mapping[str, str], body: bytes, secret: str, **_: object) -> None:
    check_base64_hmac(secret, body, headers.get("x-shopify-hmac-sha256"))


def parse(channel: str, headers: Mapping[str, str], payload: object) -> Delivery:
    delivery_id = require_header(headers, "x-shopify-webhook-id")
    topic = require_header(headers, "x-shopify-topic")
    if topic not in TOPICS:
        raise MalformedPayload(f"unsupported topic {topic!r}", field="header:x-shopify-topic")
    if topic in shopify_returns.TOPICS:
        ret = shopify_returns.return_to_canonical(
            channel, validate(shopify_returns.ShopifyReturn, payload)
        )
        return Delivery(delivery_id, topic, "return", dump(ret))
    if topic == "refunds/create":
        refund = refund_to_canonical(channel, validate(ShopifyRefund, payload))
        return Delivery(delivery_id, topic, "refund", dump(refund))
    order = to_canonical(channel, validate(ShopifyOrder, payload), topic)
    return Delivery(
        delivery_id, topic, "order", dump(order), order.external_id, order.external_version
    )


def refund_to_canonical(channel: str, refund: ShopifyRefund) -> CanonicalRefund:
    """The money is what the successful refund transactions paid back (shipping included);
    each line's amount is its refunded subtotal."""
    paid_back = [t for t in refund.transactions if t.kind == "refund" and t.status == "success"]
    lines = [
        RefundLine(
            external_id=str(line.line_item_id),
            sku=(line.line_item.sku if line.line_item else None) or "",
            quantity=Decimal(line.quantity),
            amount=line.subtotal,
            restock_type=RESTOCK.get(line.restock_type or "", "no_restock"),
        )
        for line in refund.refund_line_items
    ]
    return build(
        CanonicalRefund,
        "",
        channel=channel,
        external_id=str(refund.order_id),
        refund_id=str(refund.id),
        created_at=iso_utc(refund.created_at),
        currency=next((t.currency for t in paid_back if t.currency), None) or "",
        amount=sum((t.amount for t in paid_back), Decimal("0")),
        note=refund.note or "",
        lines=lines,
    )


def _address(address: ShopifyAddress) -> Address:
    name = address.name or " ".join(p for p in (address.first_name, address.last_name) if p)
    return Address(
        name=name,
        street=address.address1 or "",
        street2=address.address2 or "",
        city=address.city or "",
        zip=address.zip or "",
        country_code=address.country_code or "",
        state_code=address.province_code or "",
        phone=address.phone or "",
    )


def to_canonical(channel: str, order: ShopifyOrder, topic: str) -> CanonicalOrder:
    if order.shipping_address is None:
        raise MalformedPayload("shipping_address is required", field="shipping_address")
    lines = []
    for index, item in enumerate(order.line_items):
        if not item.sku:
            raise MalformedPayload(
                f"line_items.{index}.sku: a SKU is required", field=f"line_items.{index}.sku"
            )
        gross = item.price * item.quantity
        lines.append(
            OrderLine(
                external_id=str(item.id),
                sku=item.sku,
                quantity=Decimal(item.quantity),
                unit_price=item.price,
                discount_percent=discount_percent(gross, gross - item.total_discount),
            )
        )
    if not lines:
        raise MalformedPayload("line_items: at least one line is required", field="line_items")
    customer = order.customer or ShopifyCustomer()
    shipping_titles = " ".join(f"{s.code or ''} {s.title or ''}" for s in order.shipping_lines)
    payment_status = {"paid": "paid", "authorized": "authorized"}.get(
        order.financial_status or "", "pending"
    )
    gateways = order.payment_gateway_names or [order.gateway or ""]
    cancelled = topic == "orders/cancelled" or order.cancelled_at is not None
    return build(
        CanonicalOrder,
        "",
        channel=channel,
        external_id=str(order.id),
        external_version=version_ms(order.updated_at),
        status="cancelled" if cancelled else "open",
        name=order.name,
        placed_at=iso_utc(order.created_at),
        currency=order.currency,
        customer=Customer(
            external_id=str(customer.id or ""),
            email=customer.email or order.email or "",
            name=" ".join(p for p in (customer.first_name, customer.last_name) if p),
            phone=customer.phone or "",
        ),
        shipping_address=_address(order.shipping_address),
        billing_address=_address(order.billing_address) if order.billing_address else None,
        lines=lines,
        service_level="express" if "express" in shipping_titles.lower() else "standard",
        shipping_price=sum((s.price for s in order.shipping_lines), Decimal("0")),
        payment=Payment(
            status=payment_status, method=gateways[0], amount=order.total_price, reference=""
        ),
    )
