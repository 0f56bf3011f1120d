"""``refund.requested``: the shop pays the customer back, once per request key.

Odoo asks for a refund when customer service cancels or changes an order
(``sale.order._oms_request_refund``, docs/contracts.md). Each shop adapter mixes in its class
below; ``on_refund_requested``:

1. looks for a refund the shop already has for the key (the key travels in the refund's note
   as ``[oms-refund:<key>]``; Shopware's capture refund also as its ``externalReference`` and
   an id derived from the key) - a retry after a crash or a lost marker creates nothing twice;
2. otherwise creates it with the shop's refund API, at the amounts Odoo sent (what the
   customer paid: prices, discounts, taxes, shipping as charged);
3. writes the shop's refund into the inbox as a canonical refund (``refund.created``, delivery
   id derived from the key), which the worker hands to ``oms.intake.apply_refunds``: Odoo
   recognises the key, marks the request refunded and reduces nothing a second time. The
   shop's own refund webhook (Shopify ``refunds/create``) carries the same refund id and note,
   so whichever arrives second is ``unchanged``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import orjson

from sync_service.canonical import CanonicalRefund, RefundLine, dump
from sync_service.inbox.providers.base import Delivery
from sync_service.inbox.store import store_sync
from sync_service.outbound import keys
from sync_service.outbound.base import PushError, check_reply

MARKER = "[oms-refund:{key}]"
# Shopware entity ids are UUIDs: the capture refund's id is derived from the request key.
SHOPWARE_NAMESPACE = uuid.UUID("6f1b4f63-5d2a-4a8e-9a57-0b6f2e1c3d41")


def marker(key: str) -> str:
    return MARKER.format(key=key)


def _money(value) -> Decimal:
    return Decimal(str(value or "0"))


def _lines(payload: dict) -> list[dict]:
    """The request's lines the shop knows (those with the shop's line id)."""
    return [line for line in payload.get("lines") or [] if line.get("external_line_id")]


def _units(line: dict) -> int:
    """Shops refund whole units; Odoo refuses fractions of a shop's line before asking."""
    quantity = float(line["quantity"])
    if quantity != int(quantity):
        raise PushError(
            f"line {line['external_line_id']}: {quantity} is not a whole number of units",
            retryable=False,
        )
    return int(quantity)


class RefundEcho:
    """Hands the shop's refund back to Odoo through the inbox (step 3 above)."""

    code: str
    channel: object
    redis: object

    def _echo(
        self, payload: dict, refund_id: str, created_at: str, amount: Decimal, answer: object
    ) -> None:
        if self.redis is None:
            raise PushError("no Redis to hand the shop's refund back to Odoo")
        refund = CanonicalRefund(
            channel=self.code,
            external_id=str(payload["external_id"]),
            refund_id=str(refund_id),
            created_at=created_at or "",
            currency=payload.get("currency") or "",
            amount=amount,
            note=payload.get("note") or marker(payload["key"]),
            lines=[
                RefundLine(
                    external_id=str(line["external_line_id"]),
                    sku=line.get("sku") or "",
                    quantity=Decimal(str(line["quantity"])),
                    amount=_money(line.get("amount")),
                    restock_type=line.get("restock_type") or "cancel",
                )
                for line in _lines(payload)
            ],
        )
        delivery = Delivery(
            f"oms-refund-{payload['key']}", "refund.created", "refund", dump(refund)
        )
        store_sync(
            self.redis,
            keys.PUSHED_TTL_S,
            self.code,
            self.channel.provider,
            delivery,
            orjson.dumps(answer),
        )


class ShopifyRefunds(RefundEcho):
    """Shopify Admin REST refunds: ``GET/POST /orders/{id}/refunds.json`` and
    ``POST /orders/{id}/refunds/calculate.json`` (the transactions to pay back from)."""

    def on_refund_requested(self, _event_id: int, payload: dict) -> str:
        order_id = str(payload["external_id"])
        tag = marker(payload["key"])
        existing = self._get(f"/orders/{order_id}/refunds.json")["refunds"]
        found = next((r for r in existing if tag in (r.get("note") or "")), None)
        if found is not None:
            self._echo_shopify(payload, found)
            return "already"
        spec = {
            "shipping": {"amount": str(_money(payload.get("shipping")))},
            "refund_line_items": [
                {
                    "line_item_id": int(line["external_line_id"]),
                    "quantity": _units(line),
                    "restock_type": line.get("restock_type") or "cancel",
                    **(
                        {"location_id": int(self.channel.location_id)}
                        if self.channel.location_id and line.get("restock_type") != "no_restock"
                        else {}
                    ),
                }
                for line in _lines(payload)
            ],
        }
        reply = self._post(f"/orders/{order_id}/refunds/calculate.json", {"refund": spec})
        calculated = check_reply(reply, "calculate refund").json()["refund"]
        transactions = _shopify_transactions(calculated, _money(payload["amount"]), order_id)
        body = {
            "refund": {
                **spec,
                "currency": payload.get("currency"),
                "note": payload["note"],
                "notify": bool(payload.get("notify_customer")),
                "transactions": transactions,
            }
        }
        created = check_reply(
            self._post(f"/orders/{order_id}/refunds.json", body), "create refund"
        ).json()["refund"]
        self._echo_shopify(payload, created)
        return "pushed"

    def _echo_shopify(self, payload: dict, refund: dict) -> None:
        paid = sum(
            (
                _money(t.get("amount"))
                for t in refund.get("transactions") or []
                if t.get("kind") == "refund" and t.get("status") in (None, "success")
            ),
            Decimal("0"),
        )
        self._echo(payload, str(refund["id"]), refund.get("created_at") or "", paid, refund)


def _shopify_transactions(calculated: dict, amount: Decimal, order_id: str) -> list[dict]:
    """The money, taken from the transactions Shopify suggests (each up to what it may still
    pay back). Nothing is paid back when nothing was captured (only line items removed)."""
    suggested = calculated.get("transactions") or []
    if amount <= 0 or not suggested:
        return []
    left, transactions = amount, []
    for item in suggested:
        take = min(left, _money(item.get("maximum_refundable") or item.get("amount")))
        if take > 0:
            transactions.append(
                {
                    "parent_id": item["parent_id"],
                    "amount": str(take),
                    "kind": "refund",
                    "gateway": item.get("gateway"),
                }
            )
            left -= take
    if left > 0:
        raise PushError(
            f"order {order_id}: Shopify may pay back {amount - left}, the OMS asked for {amount}",
            retryable=False,
        )
    return transactions


class WooCommerceRefunds(RefundEcho):
    """WooCommerce REST v3 ``/orders/{id}/refunds``: paid back through the gateway
    (``api_refund``), stock left alone (``api_restock``: Odoo owns the stock)."""

    def on_refund_requested(self, _event_id: int, payload: dict) -> str:
        order_id = str(payload["external_id"])
        tag = marker(payload["key"])
        existing = self._call("GET", f"/orders/{order_id}/refunds").json()
        found = next((r for r in existing if tag in (r.get("reason") or "")), None)
        if found is not None:
            self._echo_woo(payload, found)
            return "already"
        body = {
            "amount": str(_money(payload["amount"])),
            "reason": payload["note"],
            "api_refund": True,
            "api_restock": False,
            "line_items": [
                {
                    "id": int(line["external_line_id"]),
                    "quantity": _units(line),
                    "refund_total": str(_money(line.get("amount_untaxed") or line.get("amount"))),
                }
                for line in _lines(payload)
            ],
        }
        created = self._call("POST", f"/orders/{order_id}/refunds", json=body).json()
        self._echo_woo(payload, created)
        return "pushed"

    def _echo_woo(self, payload: dict, refund: dict) -> None:
        created = refund.get("date_created_gmt") or ""
        self._echo(
            payload,
            str(refund["id"]),
            f"{created}Z" if created else "",
            _money(refund.get("amount")),
            refund,
        )


class ShopwareRefunds(RefundEcho):
    """Shopware 6 refund handling: an ``order_transaction_capture_refund`` on the capture of
    the order's paid transaction (id derived from the key, ``externalReference`` = key), then
    ``POST /_action/order_transaction_capture_refund/{id}`` hands it to the payment handler.
    A payment without a capture (a payment method that does not support refunds) cannot be
    refunded through the API: dead-lettered for a person."""

    def on_refund_requested(self, _event_id: int, payload: dict) -> str:
        order_id = str(payload["external_id"])
        refund_id = uuid.uuid5(SHOPWARE_NAMESPACE, payload["key"]).hex
        found = self._search(
            "order-transaction-capture-refund",
            {"ids": [refund_id], "associations": {"stateMachineState": {}}},
        )
        refund = (found.get("data") or [None])[0]
        if refund is None:
            capture = self._capture_of(order_id)
            amount = _money(payload["amount"])
            body = {
                "id": refund_id,
                "captureId": capture["id"],
                "externalReference": payload["key"],
                "reason": payload["note"],
                "amount": _calculated(amount, 1),
                "positions": [
                    {
                        "orderLineItemId": str(line["external_line_id"]),
                        "quantity": _units(line),
                        "reason": payload.get("reason") or "",
                        "amount": _calculated(_money(line.get("amount")), _units(line)),
                    }
                    for line in _lines(payload)
                ],
            }
            check_reply(
                self._call("POST", "/order-transaction-capture-refund", json=body),
                "create capture refund",
            )
            refund = {
                "id": refund_id,
                "amount": {"totalPrice": float(amount)},
                "stateMachineState": {"technicalName": "open"},
            }
        state = (refund.get("stateMachineState") or {}).get("technicalName")
        if state in ("open", "failed"):
            reply = self._call("POST", f"/_action/order_transaction_capture_refund/{refund_id}")
            check_reply(reply, "process capture refund")
            outcome = "pushed"
        else:
            outcome = "already"
        total = _money((refund.get("amount") or {}).get("totalPrice"))
        self._echo(payload, refund_id, refund.get("createdAt") or "", total, refund)
        return outcome

    def _capture_of(self, order_id: str) -> dict:
        criteria = {
            "filter": [{"type": "equals", "field": "orderId", "value": order_id}],
            "associations": {"captures": {}, "stateMachineState": {}},
            "sort": [{"field": "createdAt", "order": "DESC"}],
        }
        for transaction in self._search("order-transaction", criteria).get("data") or []:
            captures = transaction.get("captures") or []
            if captures:
                return captures[0]
        raise PushError(
            f"order {order_id}: its payment in Shopware has no capture to refund; "
            "refund it by hand in Shopware",
            retryable=False,
        )


def _calculated(total: Decimal, quantity: int) -> dict:
    """Shopware's CalculatedPrice of an amount (taxes already in it)."""
    unit = total / quantity if quantity else total
    return {
        "unitPrice": float(unit),
        "totalPrice": float(total),
        "quantity": quantity,
        "calculatedTaxes": [],
        "taxRules": [],
    }
