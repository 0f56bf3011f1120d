"""Recorded-contract double of the Shopware 6 Admin API, served over real HTTP on loopback.

Shapes follow the Admin API documentation: ``POST /api/oauth/token`` (client credentials ->
``{"token_type": "Bearer", "expires_in": 600, "access_token": ...}``), ``POST
/api/search/{entity}`` (criteria ``filter``/``page``/``limit``/``total-count-mode`` ->
``{"total", "data", "aggregations"}``), ``PATCH /api/{entity}/{id}`` (204),
``POST /api/_action/{order|order_delivery}/{id}/state/{transition}`` (the new state, or 400
``SYSTEM__ILLEGAL_STATE_TRANSITION`` with ``meta.parameters.currentState``), errors as
``{"errors": [{"status", "code", "title", "detail"}]}``. The state machines are Shopware's
default ``order.state`` and ``order_delivery.state``. Every request is recorded.
"""

from __future__ import annotations

import copy
import re
import secrets

from tests.sync.shop_doubles import LoopbackDouble

API = "/api"

ORDER_STATES = {
    "open": {"process": "in_progress", "cancel": "cancelled"},
    "in_progress": {"complete": "completed", "cancel": "cancelled"},
    "completed": {"reopen": "open"},
    "cancelled": {"reopen": "open"},
}
DELIVERY_STATES = {
    "open": {"ship": "shipped", "ship_partially": "shipped_partially", "cancel": "cancelled"},
    "shipped_partially": {"ship": "shipped", "retour_partially": "returned_partially",
                          "cancel": "cancelled"},
    "shipped": {"retour": "returned", "retour_partially": "returned_partially",
                "cancel": "cancelled"},
    "returned_partially": {"retour": "returned", "cancel": "cancelled"},
    "returned": {"reopen": "open"},
    "cancelled": {"reopen": "open"},
}  # fmt: skip


def _error(status: int, code: str, detail: str, **parameters) -> tuple[int, dict]:
    error = {"status": str(status), "code": code, "title": "Bad Request", "detail": detail}
    if parameters:
        error["meta"] = {"parameters": parameters}
    return status, {"errors": [error]}


class ShopwareDouble(LoopbackDouble):
    def __init__(self, client_id: str = "SWIAINTEGRATION01", client_secret: str = "s3cret") -> None:
        self.clients = {client_id: client_secret}
        self.tokens: dict[str, bool] = {}  # token -> still valid
        self.requests: list[dict] = []
        self.fail_next = 0  # answer 503 to the next N API calls (the token endpoint too)
        self.orders: dict[str, dict] = {}
        self.deliveries: dict[str, dict] = {}
        self.line_items: dict[str, dict] = {}
        self.products: dict[str, dict] = {}
        self._start()

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (expiry, or the integration rotated)."""
        self.tokens = dict.fromkeys(self.tokens, False)

    # -- data --------------------------------------------------------------------------------
    def add_order(self, order: dict) -> None:
        """An order entity as the order webhook fixture carries it (``data.payload.order``)."""
        order = copy.deepcopy(order)
        order.setdefault("updatedAt", None)
        for item in order["lineItems"]:
            self.line_items[item["id"]] = {**item, "orderId": order["id"]}
        for delivery in order["deliveries"]:
            delivery.setdefault("id", secrets.token_hex(16))
            delivery.update(orderId=order["id"], trackingCodes=[],
                            createdAt=order["createdAt"],
                            stateMachineState={"technicalName": "open"})  # fmt: skip
            self.deliveries[delivery["id"]] = delivery
        self.orders[order["id"]] = order

    def add_product(self, number: str, stock: int = 0) -> str:
        product_id = secrets.token_hex(16)
        self.products[product_id] = {"id": product_id, "productNumber": number, "stock": stock}
        return product_id

    def delivery_of(self, order_id: str) -> dict:
        [delivery] = [d for d in self.deliveries.values() if d["orderId"] == order_id]
        return delivery

    # -- API ---------------------------------------------------------------------------------
    def _token(self, body) -> tuple[int, dict]:
        body = body or {}
        if body.get("grant_type") != "client_credentials":
            return _error(400, "1", "The authorization grant type is not supported.")
        if self.clients.get(body.get("client_id")) != body.get("client_secret"):
            return _error(401, "4", "Client authentication failed")
        token = secrets.token_urlsafe(24)
        self.tokens[token] = True
        return 200, {"token_type": "Bearer", "expires_in": 600, "access_token": token}

    def _search(self, entity: str, criteria: dict) -> tuple[int, dict]:
        tables = {"order": self.orders, "order-delivery": self.deliveries,
                  "order-line-item": self.line_items, "product": self.products}  # fmt: skip
        rows = tables.get(entity)
        if rows is None:
            return _error(400, "FRAMEWORK__DEFINITION_NOT_FOUND", f"Definition {entity} not found")
        filters = criteria.get("filter", [])
        found = [r for r in rows.values() if all(_matches(r, f) for f in filters)]
        for sort in reversed(criteria.get("sort") or []):
            found.sort(key=lambda r, f=sort["field"]: str(r.get(f) or ""),
                       reverse=sort.get("order") == "DESC")  # fmt: skip
        limit = int(criteria.get("limit") or 500)
        page = int(criteria.get("page") or 1)
        data = copy.deepcopy(found[(page - 1) * limit : page * limit])
        return 200, {"total": len(found), "data": data, "aggregations": []}

    def _patch(self, entity: str, entity_id: str, body: dict) -> tuple[int, dict]:
        rows = {"order-delivery": self.deliveries, "product": self.products}.get(entity, {})
        if entity_id not in rows:
            return _error(404, "FRAMEWORK__RESOURCE_NOT_FOUND", f"{entity} {entity_id} not found")
        rows[entity_id].update(body)
        return 204, {}

    def _transition(self, entity: str, entity_id: str, action: str) -> tuple[int, dict]:
        rows, machine = ((self.orders, ORDER_STATES) if entity == "order"
                         else (self.deliveries, DELIVERY_STATES))  # fmt: skip
        if entity_id not in rows:
            return _error(404, "FRAMEWORK__RESOURCE_NOT_FOUND", f"{entity} {entity_id} not found")
        state = rows[entity_id]["stateMachineState"]
        current = state["technicalName"]
        target = machine[current].get(action)
        if target is None:
            possible = list(machine[current])
            return _error(400, "SYSTEM__ILLEGAL_STATE_TRANSITION",
                          f'Illegal transition "{action}" from state "{current}". '
                          f"Possible transitions are: {', '.join(possible)}",
                          transition=action, currentState=current,
                          possibleTransitions=possible)  # fmt: skip
        state["technicalName"] = target
        return 200, {"id": secrets.token_hex(16), "technicalName": target, "name": target}

    def _route(self, method: str, path: str, headers: dict, body) -> tuple[int, dict]:
        rest = path.removeprefix(API)
        if rest == "/oauth/token" and method == "POST":
            return self._token(body)
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if not self.tokens.get(token):
            return _error(401, "9", "Access token could not be verified.")
        if method == "POST" and (m := re.fullmatch(r"/search/([\w-]+)", rest)):
            return self._search(m[1], body or {})
        if method == "PATCH" and (m := re.fullmatch(r"/([\w-]+)/(\w+)", rest)):
            return self._patch(m[1], m[2], body or {})
        if method == "POST" and (
            m := re.fullmatch(r"/_action/(order|order_delivery)/(\w+)/state/(\w+)", rest)
        ):
            return self._transition(m[1], m[2], m[3])
        return _error(404, "FRAMEWORK__ROUTE_NOT_FOUND", f"No route found for {method} {path}")

    def _unavailable(self):
        return _error(503, "0", "Service Unavailable")

    def _answer(self, method, path, query, headers, body, raw):
        return self._route(method, path, headers, body)


def _matches(row: dict, criterion: dict) -> bool:
    kind = criterion["type"]
    if kind == "multi":
        results = [_matches(row, q) for q in criterion["queries"]]
        return any(results) if criterion.get("operator", "and").lower() == "or" else all(results)
    value = row.get(criterion["field"])
    if kind == "equals":
        return value == criterion["value"]
    if kind == "range":
        if value is None:
            return False
        bounds = criterion["parameters"]
        # ISO 8601 strings in one format compare in time order.
        return all(
            {"gte": value >= b, "gt": value > b, "lte": value <= b, "lt": value < b}[op]
            for op, b in bounds.items()
        )
    raise ValueError(f"filter type {kind} not in the double")
