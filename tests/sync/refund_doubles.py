"""The shops' refund APIs, added to the recorded-contract doubles (real HTTP on loopback).

Shapes from the documentation:
- Shopify Admin REST 2024-10 Refund: ``GET /orders/{id}/refunds.json`` (``{"refunds": [...]}``),
  ``POST /orders/{id}/refunds/calculate.json`` (the refund with ``transactions`` of kind
  ``suggested_refund``, each with ``parent_id``, ``amount``, ``maximum_refundable``,
  ``gateway``), ``POST /orders/{id}/refunds.json`` (201, the refund with its
  ``refund_line_items`` and ``transactions`` of kind ``refund``); errors 422
  ``{"errors": {...}}``.
- WooCommerce REST v3 order refunds: ``GET|POST /orders/{id}/refunds`` (``id``,
  ``date_created_gmt``, ``amount``, ``reason``, ``refunded_payment``, ``line_items``); an
  amount above what is left is refused (``woocommerce_rest_cannot_create_order_refund``).
- Shopware 6 refund handling (ADR 2021-10-13): ``order-transaction`` with its ``captures``,
  ``order-transaction-capture-refund`` (``captureId``, ``externalReference``, ``reason``,
  ``amount``, ``positions``; state machine ``order_transaction_capture_refund.state`` from
  ``open``), ``POST /api/order-transaction-capture-refund`` (204) and
  ``POST /api/_action/order_transaction_capture_refund/{id}`` (204: the payment handler
  refunded it, the refund is ``completed``).
The doubles keep what was paid per order and refuse to pay back more than that.
"""

from __future__ import annotations

import copy
import re
import secrets
from decimal import Decimal

from tests.sync.shop_doubles import SHOPIFY, WOO, ShopDouble
from tests.sync.shopware_double import API, ShopwareDouble, _error


class RefundingShopDouble(ShopDouble):
    """Shopify and WooCommerce, with their refund endpoints."""

    def __init__(self, *args, **kwargs) -> None:
        self.shopify_refunds: dict[str, list[dict]] = {}
        self.shopify_paid: dict[str, Decimal] = {}  # order id -> captured amount
        self.woo_orders: dict[str, dict] = {}
        self.woo_refunds: dict[str, list[dict]] = {}
        super().__init__(*args, **kwargs)

    def add_shopify_order(self, order: dict) -> None:
        super().add_shopify_order(order)
        key = str(order["id"])
        self.shopify_refunds.setdefault(key, [])
        self.shopify_paid[key] = Decimal(str(order.get("total_price") or "0"))

    def add_woo_order(self, order: dict) -> None:
        self.woo_orders[str(order["id"])] = copy.deepcopy(order)
        self.woo_refunds.setdefault(str(order["id"]), [])

    # -- Shopify ---------------------------------------------------------------------------
    def _shopify_left(self, order_id: str) -> Decimal:
        paid_back = sum(
            (
                Decimal(t["amount"])
                for r in self.shopify_refunds[order_id]
                for t in r["transactions"]
            ),
            Decimal("0"),
        )
        return self.shopify_paid[order_id] - paid_back

    def _shopify_refunded(self, order_id: str, line_id: int) -> int:
        return sum(
            item["quantity"]
            for r in self.shopify_refunds[order_id]
            for item in r["refund_line_items"]
            if item["line_item_id"] == line_id
        )

    def _shopify_lines(self, order_id: str, spec: dict) -> tuple[list[dict], dict | None]:
        order = self.shopify_orders[order_id]
        lines = []
        for index, item in enumerate(spec.get("refund_line_items") or []):
            line = next(
                (li for li in order["line_items"] if li["id"] == item["line_item_id"]), None
            )
            if line is None:
                return [], {"errors": {f"refund_line_items.{index}": ["line item not found"]}}
            if item["quantity"] > line["quantity"] - self._shopify_refunded(order_id, line["id"]):
                return [], {
                    "errors": {
                        "refund_line_items": [
                            "Quantity cannot refund more items than were purchased"
                        ]
                    }
                }
            subtotal = Decimal(line["price"]) * item["quantity"]
            lines.append(
                {
                    "id": 10_000 + len(lines),
                    "line_item_id": line["id"],
                    "quantity": item["quantity"],
                    "location_id": item.get("location_id"),
                    "restock_type": item.get("restock_type", "no_restock"),
                    "subtotal": str(subtotal),
                    "total_tax": "0.00",
                    "line_item": {
                        "id": line["id"],
                        "sku": line.get("sku"),
                        "quantity": line["quantity"],
                        "price": line["price"],
                    },
                }
            )
        return lines, None

    def _shopify_refund_routes(self, method: str, rest: str, body) -> tuple | None:
        if m := re.fullmatch(r"/orders/(\d+)/refunds\.json", rest):
            order_id = m[1]
            if order_id not in self.shopify_orders:
                return 404, {"errors": "Not Found"}
            if method == "GET":
                return 200, {"refunds": self.shopify_refunds[order_id]}
            return self._shopify_create_refund(order_id, body["refund"])
        if m := re.fullmatch(r"/orders/(\d+)/refunds/calculate\.json", rest):
            order_id = m[1]
            if order_id not in self.shopify_orders:
                return 404, {"errors": "Not Found"}
            spec = body["refund"]
            lines, error = self._shopify_lines(order_id, spec)
            if error:
                return 422, error
            wanted = sum((Decimal(li["subtotal"]) for li in lines), Decimal("0")) + Decimal(
                str((spec.get("shipping") or {}).get("amount") or "0")
            )
            left = self._shopify_left(order_id)
            amount = min(wanted, left)
            transactions = (
                [
                    {
                        "order_id": int(order_id),
                        "kind": "suggested_refund",
                        "gateway": "bogus",
                        "parent_id": 801038806,
                        "amount": str(amount),
                        "currency": "EUR",
                        "maximum_refundable": str(left),
                    }
                ]
                if left > 0
                else []
            )
            return 200, {
                "refund": {
                    "shipping": spec.get("shipping") or {},
                    "refund_line_items": lines,
                    "transactions": transactions,
                    "currency": "EUR",
                }
            }
        return None

    def _shopify_create_refund(self, order_id: str, spec: dict) -> tuple[int, dict]:
        lines, error = self._shopify_lines(order_id, spec)
        if error:
            return 422, error
        transactions = []
        for item in spec.get("transactions") or []:
            amount = Decimal(str(item["amount"]))
            if amount > self._shopify_left(order_id):
                return 422, {"errors": {"transactions": ["Amount exceeds the refundable amount"]}}
            transactions.append(
                {
                    "id": 389404469 + len(transactions),
                    "order_id": int(order_id),
                    "kind": "refund",
                    "gateway": item.get("gateway"),
                    "status": "success",
                    "amount": str(amount),
                    "currency": spec.get("currency") or "EUR",
                    "parent_id": item.get("parent_id"),
                }
            )
        refunds = self.shopify_refunds[order_id]
        refund = {
            "id": 890088186047892319 + len(refunds),
            "order_id": int(order_id),
            "created_at": "2026-11-27T09:00:00+01:00",
            "note": spec.get("note"),
            "restock": any(li["restock_type"] != "no_restock" for li in lines),
            "refund_line_items": lines,
            "transactions": transactions,
            "order_adjustments": [],
        }
        refunds.append(refund)
        return 201, {"refund": refund}

    def _shopify(self, method, path, query, body):
        rest = path.removeprefix(SHOPIFY)
        if method == "PUT" and (m := re.fullmatch(r"/orders/(\d+)\.json", rest)):
            # Order update (REST 2024-10): the fields sent replace the order's.
            if m[1] not in self.shopify_orders:
                return 404, {"errors": "Not Found"}
            self.shopify_orders[m[1]].update(body["order"])
            return 200, {"order": self.shopify_orders[m[1]]}
        answer = self._shopify_refund_routes(method, rest, body)
        return answer if answer is not None else super()._shopify(method, path, query, body)

    # -- WooCommerce -----------------------------------------------------------------------
    def _woo(self, method, path, query, body):
        m = re.fullmatch(r"/orders/(\d+)/refunds", path.removeprefix(WOO))
        if not m:
            return super()._woo(method, path, query, body)
        order_id = m[1]
        if order_id not in self.woo_orders:
            return 404, {
                "code": "woocommerce_rest_shop_order_invalid_id",
                "message": "Invalid ID.",
                "data": {"status": 404},
            }
        refunds = self.woo_refunds[order_id]
        if method == "GET":
            return 200, refunds
        amount = Decimal(str(body["amount"]))
        left = Decimal(self.woo_orders[order_id]["total"]) - sum(
            (Decimal(r["amount"]) for r in refunds), Decimal("0")
        )
        if amount > left:
            return 400, {
                "code": "woocommerce_rest_cannot_create_order_refund",
                "message": "Invalid refund amount.",
                "data": {"status": 400},
            }
        refund = {
            "id": 726 + len(refunds),
            "date_created": "2026-11-27T09:00:00",
            "date_created_gmt": "2026-11-27T08:00:00",
            "amount": str(amount),
            "reason": body.get("reason", ""),
            "refunded_by": 1,
            "refunded_payment": bool(body.get("api_refund")),
            "meta_data": [],
            "line_items": [
                {
                    "id": 500 + i,
                    "name": "",
                    "product_id": 93,
                    "quantity": -item["quantity"],
                    "subtotal": f"-{item.get('refund_total', '0')}",
                    "total": f"-{item.get('refund_total', '0')}",
                    "meta_data": [{"key": "_refunded_item_id", "value": str(item["id"])}],
                }
                for i, item in enumerate(body.get("line_items") or [])
            ],
        }
        refunds.append(refund)
        return 201, refund


class RefundingShopwareDouble(ShopwareDouble):
    """Shopware 6 with order transactions, their captures and capture refunds."""

    def __init__(self, *args, **kwargs) -> None:
        self.transactions: dict[str, dict] = {}
        self.capture_refunds: dict[str, dict] = {}
        self.refunds_supported = True  # False: the payment method's handler cannot refund
        super().__init__(*args, **kwargs)

    def add_order(self, order: dict, captured: str | None = None) -> None:
        """The order, with a paid transaction that has a capture of ``captured`` (default:
        the order's total); ``captured=""`` leaves the transaction without any capture."""
        super().add_order(order)
        transaction_id = secrets.token_hex(16)
        amount = order["amountTotal"] if captured is None else captured
        captures = (
            []
            if captured == ""
            else [
                {
                    "id": secrets.token_hex(16),
                    "transactionId": transaction_id,
                    "externalReference": None,
                    "amount": {"totalPrice": float(amount)},
                    "stateMachineState": {"technicalName": "completed"},
                }
            ]
        )
        self.transactions[transaction_id] = {
            "id": transaction_id,
            "orderId": order["id"],
            "createdAt": order["createdAt"],
            "stateMachineState": {"technicalName": "paid"},
            "captures": captures,
        }

    def _capture(self, capture_id: str) -> dict | None:
        return next(
            (c for t in self.transactions.values() for c in t["captures"] if c["id"] == capture_id),
            None,
        )

    def _refunded(self, capture_id: str) -> Decimal:
        return sum(
            (
                Decimal(str(r["amount"]["totalPrice"]))
                for r in self.capture_refunds.values()
                if r["captureId"] == capture_id
                and r["stateMachineState"]["technicalName"] != "failed"
            ),
            Decimal("0"),
        )

    def _search(self, entity: str, criteria: dict):
        rows = {
            "order-transaction": self.transactions,
            "order-transaction-capture-refund": self.capture_refunds,
        }.get(entity)
        if rows is None:
            return super()._search(entity, criteria)
        found = list(rows.values())
        if criteria.get("ids"):
            found = [r for r in found if r["id"] in criteria["ids"]]
        for criterion in criteria.get("filter") or []:
            found = [r for r in found if r.get(criterion["field"]) == criterion["value"]]
        return 200, {"total": len(found), "data": copy.deepcopy(found), "aggregations": []}

    def _create_capture_refund(self, body: dict) -> tuple[int, dict]:
        capture = self._capture(body.get("captureId", ""))
        if capture is None:
            return _error(
                400,
                "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                "captureId: This value should not be blank.",
            )
        if body["id"] in self.capture_refunds:
            return _error(
                400, "FRAMEWORK__DUPLICATE_ENTRY", f"Entity with id {body['id']} already exists."
            )
        amount = Decimal(str(body["amount"]["totalPrice"]))
        if amount > Decimal(str(capture["amount"]["totalPrice"])) - self._refunded(capture["id"]):
            return _error(
                400,
                "CHECKOUT__REFUND_INVALID_AMOUNT",
                "The refund amount exceeds the captured amount.",
            )
        self.capture_refunds[body["id"]] = {
            **copy.deepcopy(body),
            "createdAt": "2026-11-27T08:00:00.000+00:00",
            "stateMachineState": {"technicalName": "open"},
        }
        return 204, {}

    def _process_refund(self, refund_id: str) -> tuple[int, dict]:
        refund = self.capture_refunds.get(refund_id)
        if refund is None:
            return _error(404, "FRAMEWORK__RESOURCE_NOT_FOUND", f"refund {refund_id} not found")
        if not self.refunds_supported:
            refund["stateMachineState"]["technicalName"] = "failed"
            return _error(
                400,
                "CHECKOUT__REFUND_PROCESS_INTERRUPTED",
                "The payment method's handler does not support refunds.",
            )
        if refund["stateMachineState"]["technicalName"] == "completed":
            return _error(
                400,
                "SYSTEM__ILLEGAL_STATE_TRANSITION",
                'Illegal transition "complete" from state "completed".',
            )
        refund["stateMachineState"]["technicalName"] = "completed"
        return 204, {}

    def _route(self, method, path, headers, body):
        rest = path.removeprefix(API)
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if rest != "/oauth/token" and self.tokens.get(token):
            if method == "POST" and rest == "/order-transaction-capture-refund":
                return self._create_capture_refund(body or {})
            if method == "POST" and (
                m := re.fullmatch(r"/_action/order_transaction_capture_refund/(\w+)", rest)
            ):
                return self._process_refund(m[1])
        return super()._route(method, path, headers, body)
