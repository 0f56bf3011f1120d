"""Shopware 6 app webhooks carrying an order (``checkout.order.placed``, order state events).

Signed with ``shopware-shop-signature`` = hex(HMAC-SHA256(app secret, raw body)). The delivery
id is ``source.eventId``; the order entity is in ``data.payload.order``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

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
    check_hex_hmac,
    iso_utc,
    validate,
    version_ms,
)


class SwState(BaseModel):
    technicalName: str


class SwCountry(BaseModel):
    iso: str = Field(max_length=2)


class SwAddress(BaseModel):
    firstName: str = ""
    lastName: str = ""
    street: str = ""
    additionalAddressLine1: str | None = None
    zipcode: str | None = ""
    city: str = ""
    phoneNumber: str | None = None
    country: SwCountry


class SwCalculatedPrice(BaseModel):
    totalPrice: Amount = Decimal("0")


class SwNamed(BaseModel):
    name: str | None = None


class SwDelivery(BaseModel):
    shippingOrderAddress: SwAddress
    shippingCosts: SwCalculatedPrice = SwCalculatedPrice()
    shippingMethod: SwNamed = SwNamed()


class SwLinePayload(BaseModel):
    # A line's payload carries many more keys (options, features, ...): only this is read.
    model_config = ConfigDict(extra="allow")

    productNumber: str | None = None


class SwLineItem(BaseModel):
    id: str
    type: str = "product"
    quantity: int = Field(gt=0, lt=10**9)
    unitPrice: Amount
    totalPrice: Amount
    payload: SwLinePayload = SwLinePayload()


class SwCustomer(BaseModel):
    email: str = ""
    firstName: str = ""
    lastName: str = ""
    customerNumber: str = ""
    customerId: str | None = None


class SwTransaction(BaseModel):
    stateMachineState: SwState
    paymentMethod: SwNamed = SwNamed()


class SwCurrency(BaseModel):
    isoCode: str


class SwOrder(BaseModel):
    id: str
    orderNumber: str
    orderDateTime: Moment
    createdAt: Moment
    updatedAt: Moment | None = None
    amountTotal: Amount
    currency: SwCurrency
    stateMachineState: SwState
    orderCustomer: SwCustomer
    lineItems: list[SwLineItem]
    deliveries: list[SwDelivery]
    transactions: list[SwTransaction] = []


class SwPayload(BaseModel):
    order: SwOrder


class SwData(BaseModel):
    payload: SwPayload
    event: str


class SwSource(BaseModel):
    url: str
    shopId: str
    eventId: str


class SwWebhook(BaseModel):
    data: SwData
    source: SwSource
    timestamp: int


def verify(headers: Mapping[str, str], body: bytes, secret: str, **_: object) -> None:
    check_hex_hmac(secret, body, headers.get("shopware-shop-signature"))


def parse(channel: str, headers: Mapping[str, str], payload: object) -> Delivery:
    hook = validate(SwWebhook, payload)
    order = to_canonical(channel, hook.data.payload.order)
    return Delivery(
        hook.source.eventId,
        hook.data.event,
        "order",
        dump(order),
        order.external_id,
        order.external_version,
    )


def _address(address: SwAddress) -> Address:
    return Address(
        name=f"{address.firstName} {address.lastName}".strip(),
        street=address.street,
        street2=address.additionalAddressLine1 or "",
        city=address.city,
        zip=address.zipcode or "",
        country_code=address.country.iso,
        phone=address.phoneNumber or "",
    )


def to_canonical(channel: str, order: SwOrder) -> CanonicalOrder:
    prefix = "data.payload.order."
    if not order.deliveries:
        raise MalformedPayload("an order needs a delivery", field=f"{prefix}deliveries")
    lines = []
    for index, item in enumerate(order.lineItems):
        if item.type != "product":
            continue  # promotions and credits are already in the product prices' totals
        sku = item.payload.productNumber
        if not sku:
            field = f"{prefix}lineItems.{index}.payload.productNumber"
            raise MalformedPayload(f"{field}: a product number is required", field=field)
        lines.append(
            OrderLine(
                external_id=item.id,
                sku=sku,
                quantity=Decimal(item.quantity),
                unit_price=item.unitPrice,
            )
        )
    if not lines:
        raise MalformedPayload("no product line", field=f"{prefix}lineItems")
    delivery = order.deliveries[0]
    payment_state = (
        order.transactions[-1].stateMachineState.technicalName if order.transactions else ""
    )
    method = (order.transactions[-1].paymentMethod.name or "") if order.transactions else ""
    shipping_name = (delivery.shippingMethod.name or "").lower()
    return build(
        CanonicalOrder,
        prefix,
        channel=channel,
        external_id=order.id,
        external_version=version_ms(order.updatedAt or order.createdAt),
        status="cancelled" if order.stateMachineState.technicalName == "cancelled" else "open",
        name=order.orderNumber,
        placed_at=iso_utc(order.orderDateTime),
        currency=order.currency.isoCode,
        customer=Customer(
            external_id=order.orderCustomer.customerNumber,
            email=order.orderCustomer.email,
            name=f"{order.orderCustomer.firstName} {order.orderCustomer.lastName}".strip(),
        ),
        shipping_address=_address(delivery.shippingOrderAddress),
        lines=lines,
        service_level="express" if "express" in shipping_name else "standard",
        shipping_price=delivery.shippingCosts.totalPrice,
        payment=Payment(
            status={"paid": "paid", "authorized": "authorized"}.get(payment_state, "pending"),
            method=method,
            amount=order.amountTotal,
        ),
    )
