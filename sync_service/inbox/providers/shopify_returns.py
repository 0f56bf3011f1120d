"""Shopify returns: ``returns/request`` (the customer asked in the shop) and ``returns/approve``
(the merchant approved), signed and delivered like Shopify's other webhooks.

The payload is the Return resource: its ``id``, the ``order`` it belongs to, ``status`` and
``return_line_items``, each with the ``fulfillment_line_item`` (whose ``line_item`` is the
order's line), ``quantity``, ``return_reason`` (Shopify's ReturnReason enum) and the
customer's note. Both topics of one return carry the same id: Odoo keys returns by it, so
whichever arrives second changes nothing.
"""

from __future__ import annotations

from pydantic import BaseModel

from sync_service.canonical import CanonicalReturn, ReturnLine
from sync_service.inbox.providers.base import build

TOPICS = {"returns/request", "returns/approve"}

# Shopify's ReturnReason -> ours (docs/contracts.md, apply_returns).
REASONS = {
    "SIZE_TOO_SMALL": "wrong_size",
    "SIZE_TOO_LARGE": "wrong_size",
    "UNWANTED": "changed_mind",
    "STYLE": "changed_mind",
    "COLOR": "changed_mind",
    "NOT_AS_DESCRIBED": "not_as_described",
    "WRONG_ITEM": "wrong_item",
    "DEFECTIVE": "defective",
}


class ShopifyRef(BaseModel):
    id: int


class ShopifyFulfillmentLineItem(BaseModel):
    id: int | None = None
    line_item: ShopifyRef


class ShopifyReturnLineItem(BaseModel):
    id: int
    quantity: int
    fulfillment_line_item: ShopifyFulfillmentLineItem
    return_reason: str | None = None
    return_reason_note: str | None = None
    customer_note: str | None = None


class ShopifyReturn(BaseModel):
    id: int
    name: str | None = None
    status: str | None = None
    order: ShopifyRef
    return_line_items: list[ShopifyReturnLineItem]


def return_to_canonical(channel: str, ret: ShopifyReturn) -> CanonicalReturn:
    notes = [
        note
        for item in ret.return_line_items
        for note in (item.customer_note, item.return_reason_note)
        if note
    ]
    lines = [
        ReturnLine(
            external_id=str(item.fulfillment_line_item.line_item.id),
            quantity=item.quantity,
            reason=REASONS.get(item.return_reason or "", "other"),
        )
        for item in ret.return_line_items
    ]
    return build(
        CanonicalReturn,
        "",
        channel=channel,
        external_id=str(ret.order.id),
        return_id=str(ret.id),
        note=" / ".join(notes),
        lines=lines,
    )
