"""Shopware 6 Admin API adapter (``api_url`` = https://shop.example.com/api; ``access_token`` =
``<client id>:<client secret>`` of a Shopware integration).

- Auth: OAuth client credentials at ``POST /oauth/token``; the bearer token is kept per
  process until shortly before ``expires_in`` and fetched again once on a 401.
- ``shipment.shipped``: the tracking number joins ``trackingCodes`` of the order's delivery
  (``PATCH /order-delivery/{id}``), then the delivery moves through its state machine
  (``POST /_action/order_delivery/{id}/state/ship|ship_partially``). Shopware keeps one
  delivery per order and no shipped quantity per line, so what every Odoo picking of the order
  shipped is remembered in Redis (keyed by picking: a replay writes the same field) and the
  delivery becomes ``shipped`` only once those cover every product line.
- ``order.accepted`` / ``order.cancelled``: order transitions ``process`` / ``cancel``.
- ``stock.changed``: the product found by ``productNumber`` gets ``PATCH /product/{id}``
  with its ``stock``.

Each step reads the shop's state first (tracking codes, delivery and order state), so a
retry after a crash or a lost marker finishes the work instead of repeating it.
"""

from __future__ import annotations

import time

import httpx
import orjson

from sync_service.outbound import keys
from sync_service.outbound.base import PushError, ShopAdapter, check_reply
from sync_service.outbound.refunds import ShopwareRefunds

# Seconds before a token's announced expiry at which we stop using it.
TOKEN_MARGIN_S = 30
# Shopware's state machine answers a transition from a state that has none with these.
ILLEGAL = "SYSTEM__ILLEGAL_STATE_TRANSITION"
UNNECESSARY = "SYSTEM__UNNECESSARY_TRANSITION"
# Delivery states from which Odoo's shipment can no longer be told.
DELIVERY_CLOSED = ("cancelled", "returned", "returned_partially")
ORDER_ASSOCIATIONS = {
    "lineItems": {},
    "currency": {},
    "stateMachineState": {},
    "orderCustomer": {},
    "deliveries": {"associations": {
        "shippingOrderAddress": {"associations": {"country": {}}},
        "shippingMethod": {},
        "stateMachineState": {},
    }},
    "transactions": {"associations": {"stateMachineState": {}, "paymentMethod": {}}},
}  # fmt: skip

# (api_url, client id) -> (bearer token, monotonic time it stops being used)
_tokens: dict[tuple[str, str], tuple[str, float]] = {}


def shipped_lines_key(channel: str, order_id: str) -> str:
    """Redis hash: picking id -> JSON {Shopware line item id: quantity shipped}."""
    return f"oms:shopware:shipped:{channel}:{order_id}"


def _error_code(reply: httpx.Response) -> tuple[str, dict]:
    try:
        [error, *_] = reply.json().get("errors") or [{}]
    except (ValueError, AttributeError):
        return "", {}
    return str(error.get("code") or ""), (error.get("meta") or {}).get("parameters") or {}


class ShopwareAdapter(ShopwareRefunds, ShopAdapter):
    # -- HTTP ------------------------------------------------------------------------------
    def _credentials(self) -> tuple[str, str]:
        client_id, _, secret = self.channel.access_token.get_secret_value().partition(":")
        return client_id, secret

    def _token(self, *, fresh: bool = False) -> str:
        client_id, secret = self._credentials()
        key = (self.channel.api_url, client_id)
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > time.monotonic():
            return cached[0]
        body = {"grant_type": "client_credentials", "client_id": client_id,
                "client_secret": secret}  # fmt: skip
        reply = self.http.post(f"{self.channel.api_url}/oauth/token", json=body)
        if reply.status_code in (400, 401):
            raise PushError(f"Shopware refused the integration's credentials: HTTP "
                            f"{reply.status_code}", retryable=False)  # fmt: skip
        token = check_reply(reply, "oauth token").json()
        expires = time.monotonic() + int(token.get("expires_in") or 600) - TOKEN_MARGIN_S
        _tokens[key] = (token["access_token"], expires)
        return token["access_token"]

    def _call(self, method: str, path: str, *, json: dict | None = None) -> httpx.Response:
        """One Admin API call; a 401 (token expired or revoked early) gets one fresh token."""
        url = f"{self.channel.api_url}{path}"
        for fresh in (False, True):
            headers = {"Authorization": f"Bearer {self._token(fresh=fresh)}",
                       "Accept": "application/json"}  # fmt: skip
            reply = self.http.request(method, url, json=json, headers=headers)
            if reply.status_code != 401:
                break
        return reply

    def _search(self, entity: str, criteria: dict) -> dict:
        return check_reply(self._call("POST", f"/search/{entity}", json=criteria),
                           f"search {entity}").json()  # fmt: skip

    def _transition(self, entity: str, entity_id: str, transition: str) -> str | None:
        """Run a state transition: the new state, or None when the shop says the entity is
        already past it (the caller decides whether that counts as done)."""
        reply = self._call("POST", f"/_action/{entity}/{entity_id}/state/{transition}")
        if reply.status_code == 400:
            code, params = _error_code(reply)
            if code == UNNECESSARY:
                return None
            if code == ILLEGAL:
                current = str(params.get("currentState") or "")
                raise _Illegal(current, f"{entity} {entity_id}: {transition} not allowed "
                                        f"from {current or 'its state'}")  # fmt: skip
        body = check_reply(reply, f"{entity} {transition}").json()
        return body.get("technicalName") if isinstance(body, dict) else None

    # -- orders ----------------------------------------------------------------------------
    def on_order_accepted(self, _event_id: int, payload: dict) -> str:
        try:
            self._transition("order", str(payload["external_id"]), "process")
        except _Illegal as exc:
            if exc.current in ("in_progress", "completed"):
                return "already"
            raise PushError(str(exc), retryable=False) from None
        return "pushed"

    def on_order_cancelled(self, _event_id: int, payload: dict) -> str:
        try:
            done = self._transition("order", str(payload["external_id"]), "cancel")
        except _Illegal as exc:
            if exc.current == "cancelled":
                return "already"
            raise PushError(str(exc), retryable=False) from None
        return "pushed" if done else "already"

    # -- shipments -------------------------------------------------------------------------
    def on_shipment_shipped(self, _event_id: int, payload: dict) -> str:
        order_id = str(payload["external_id"])
        delivery = self._delivery(order_id)
        state = delivery["stateMachineState"]["technicalName"]
        if state in DELIVERY_CLOSED:
            raise PushError(f"order {order_id}: the Shopware delivery is {state}",
                            retryable=False)  # fmt: skip
        changed = self._add_tracking_code(delivery, payload)
        full = self._ships_everything(order_id, payload)
        transition = {"open": "ship" if full else "ship_partially",
                      "shipped_partially": "ship" if full else None}.get(state)  # fmt: skip
        if transition:
            try:
                self._transition("order_delivery", delivery["id"], transition)
            except _Illegal as exc:
                raise PushError(str(exc), retryable=False) from None
            changed = True
        return "pushed" if changed else "already"

    def _delivery(self, order_id: str) -> dict:
        """The order's delivery. Shopware makes one per order; should there be more, the
        first by creation, as the storefront shows it."""
        criteria = {
            "filter": [{"type": "equals", "field": "orderId", "value": order_id}],
            "associations": {"stateMachineState": {}},
            "sort": [{"field": "createdAt", "order": "ASC"}],
        }
        found = self._search("order-delivery", criteria).get("data") or []
        if not found:
            raise PushError(f"order {order_id}: no delivery in Shopware", retryable=False)
        return found[0]

    def _add_tracking_code(self, delivery: dict, payload: dict) -> bool:
        """The picking's tracking number into the delivery's codes. A corrected number (Odoo
        publishes the picking again) replaces the one this picking sent before."""
        tracking = payload.get("tracking_number") or ""
        if not tracking:
            return False
        codes = list(delivery.get("trackingCodes") or [])
        marker = keys.picking_tracking(self.code, payload.get("picking_id"))
        previous = self.redis.get(marker) if self.redis is not None else None
        previous = previous.decode() if previous else None
        wanted = [c for c in codes if c != previous or c == tracking]
        if tracking not in wanted:
            wanted.append(tracking)
        if wanted != codes:
            reply = self._call("PATCH", f"/order-delivery/{delivery['id']}",
                               json={"trackingCodes": wanted})  # fmt: skip
            check_reply(reply, "order delivery tracking codes")
        if self.redis is not None and payload.get("picking_id"):
            self.redis.set(marker, tracking, ex=keys.PUSHED_TTL_S)
        return wanted != codes

    def _ships_everything(self, order_id: str, payload: dict) -> bool:
        """Whether the pickings pushed so far (this one included) cover every product line."""
        criteria = {"filter": [{"type": "equals", "field": "orderId", "value": order_id}],
                    "limit": 500}  # fmt: skip
        items = [item for item in self._search("order-line-item", criteria).get("data") or []
                 if item.get("type", "product") == "product"]  # fmt: skip
        by_sku = {str((item.get("payload") or {}).get("productNumber")): str(item["id"])
                  for item in reversed(items)}  # fmt: skip
        shipped: dict[str, float] = {}
        for line in payload.get("lines") or []:
            line_id = str(line.get("external_line_id") or by_sku.get(str(line.get("sku")), ""))
            if line_id:
                shipped[line_id] = shipped.get(line_id, 0) + float(line["quantity"])
        per_picking = {str(payload.get("picking_id")): shipped}
        if self.redis is not None and payload.get("picking_id"):
            key = shipped_lines_key(self.code, order_id)
            self.redis.hset(key, str(payload["picking_id"]), orjson.dumps(shipped))
            self.redis.expire(key, keys.PUSHED_TTL_S)
            per_picking = {k.decode(): orjson.loads(v)
                           for k, v in self.redis.hgetall(key).items()}  # fmt: skip
        total: dict[str, float] = {}
        for lines in per_picking.values():
            for line_id, quantity in lines.items():
                total[line_id] = total.get(line_id, 0) + quantity
        return bool(items) and all(
            total.get(str(item["id"]), 0) >= float(item["quantity"]) for item in items
        )

    # -- stock and reconciliation ----------------------------------------------------------
    def on_stock_changed(self, _event_id: int, payload: dict) -> str:
        return self.set_inventory(payload["sku"], int(payload["sellable"]))

    def set_inventory(self, sku: str, available: int) -> str:
        criteria = {"filter": [{"type": "equals", "field": "productNumber", "value": sku}],
                    "includes": {"product": ["id", "productNumber", "stock"]},
                    "limit": 1}  # fmt: skip
        found = self._search("product", criteria).get("data") or []
        if not found:
            raise PushError(f"no Shopware product with number {sku}", retryable=False)
        if found[0].get("stock") == available:
            return "already"
        reply = self._call("PATCH", f"/product/{found[0]['id']}", json={"stock": available})
        check_reply(reply, "product stock")
        return "pushed"

    def orders_updated_since(self, watermark: str, max_pages: int = 20) -> list[dict]:
        """Orders created or updated since the watermark, with what the inbound parser reads."""
        since = {"gte": watermark}
        criteria = {
            "limit": 100,
            "total-count-mode": 1,
            "filter": [{"type": "multi", "operator": "or", "queries": [
                {"type": "range", "field": "updatedAt", "parameters": since},
                {"type": "range", "field": "createdAt", "parameters": since},
            ]}],
            "sort": [{"field": "createdAt", "order": "ASC"}, {"field": "id", "order": "ASC"}],
            "associations": ORDER_ASSOCIATIONS,
        }  # fmt: skip
        orders: list[dict] = []
        for page in range(1, max_pages + 1):
            answer = self._search("order", {**criteria, "page": page})
            data = answer.get("data") or []
            orders.extend(data)
            if len(data) < criteria["limit"] or len(orders) >= int(answer.get("total") or 0):
                break
        return orders


class _Illegal(Exception):
    """Shopware refused a state transition from the entity's current state."""

    def __init__(self, current: str, message: str) -> None:
        super().__init__(message)
        self.current = current
