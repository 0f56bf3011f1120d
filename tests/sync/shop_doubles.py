"""Recorded-contract doubles of the shops' and carriers' HTTP APIs, served over real HTTP.

Responses follow the documented shapes of the Shopify Admin REST API (2024-10:
fulfillment_orders, fulfillments, fulfillments/{id}/update_tracking, orders/cancel,
inventory_levels/set, GraphQL productVariants),
the WooCommerce REST API v3 (orders, order notes, products) and EasyPost trackers. They keep
just enough state to answer consistently (fulfilled quantities, notes) and record every request.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from sync_service.inbox.providers import generic

SHOPIFY = "/admin/api/2024-10"
WOO = "/wp-json/wc/v3"


class LoopbackDouble:
    """An HTTP API double on loopback: a threaded server whose handler (``_handler``) records
    every request in ``requests``; ``_start`` at the end of ``__init__``."""

    requests: list[dict]

    def _start(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def _unavailable(self) -> tuple[int, object]:
        """The answer while ``fail_next`` counts down (a shop that is down)."""
        return 503, {"errors": "Service Unavailable"}

    def _answer(self, method: str, path: str, query: dict, headers: dict, body,
                raw: bytes) -> tuple:  # fmt: skip
        """(status, JSON answer[, extra response headers]) of one recorded request."""
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def _serve(self) -> None:
                url = urlparse(self.path)
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                body = json.loads(raw) if raw and raw[:1] in b"{[" else None
                query = parse_qs(url.query)
                with double._lock:
                    double.requests.append({"method": self.command, "path": url.path,
                                            "query": query, "headers": headers, "body": body,
                                            "raw": raw})  # fmt: skip
                    if double.fail_next > 0:
                        double.fail_next -= 1
                        status, answer, *more = double._unavailable()
                    else:
                        status, answer, *more = double._answer(
                            self.command, url.path, query, headers, body, raw
                        )
                data = b"" if status == 204 else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (more[0] if more else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = _serve

        return Handler

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests_to(self, method: str, pattern: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and re.search(pattern, r["path"])]


class ShopDouble(LoopbackDouble):
    def __init__(self, generic_secret: str = "") -> None:
        self.requests: list[dict] = []
        self.fail_next = 0  # answer 503 to the next N requests (a shop that is down)
        self.generic_secret = generic_secret
        self.shopify_orders: dict[str, dict] = {}  # order id -> order JSON (with line_items)
        self.fulfillments: dict[str, list[dict]] = {}
        self.cancelled: set[str] = set()
        self.variants = {"TSHIRT-RED-M": 808950810, "MUG-WHITE": 808950811}
        self.woo_notes: dict[str, list[dict]] = {}
        self.woo_products = {"TSHIRT-RED-M": 93}
        self.trackers: dict[str, dict] = {}
        self.orders_page_size = 250
        self._start()

    # -- Shopify ---------------------------------------------------------------------------
    def add_shopify_order(self, order: dict) -> None:
        self.shopify_orders[str(order["id"])] = order
        self.fulfillments.setdefault(str(order["id"]), [])

    def _fulfillment_orders(self, order_id: str) -> dict:
        order = self.shopify_orders[order_id]
        done: dict[int, int] = {}
        for fulfillment in self.fulfillments[order_id]:
            for item in fulfillment["line_items"]:
                done[item["id"]] = done.get(item["id"], 0) + item["quantity"]
        items = [{
            "id": 1_000_000 + line["id"] % 1_000_000, "shop_id": 548380009,
            "fulfillment_order_id": int(order_id) + 1, "line_item_id": line["id"],
            "inventory_item_id": 49148385, "quantity": line["quantity"],
            "fulfillable_quantity": line["quantity"] - done.get(line["id"], 0),
            "variant_id": line.get("variant_id"),
        } for line in order["line_items"]]  # fmt: skip
        status = "closed" if all(i["fulfillable_quantity"] == 0 for i in items) else "open"
        return {"fulfillment_orders": [{
            "id": int(order_id) + 1, "shop_id": 548380009, "order_id": int(order_id),
            "assigned_location_id": 24826418, "request_status": "unsubmitted", "status": status,
            "supported_actions": ["create_fulfillment"], "line_items": items,
            "delivery_method": {"method_type": "shipping"},
        }]}  # fmt: skip

    def _create_fulfillment(self, body: dict) -> tuple[int, dict]:
        spec = body["fulfillment"]
        [by_order] = spec["line_items_by_fulfillment_order"]
        # The double numbers a fulfilment order as its order id + 1.
        order_id = str(by_order["fulfillment_order_id"] - 1)
        if order_id not in self.shopify_orders:
            return 404, {"errors": "Not Found"}
        fo = self._fulfillment_orders(order_id)["fulfillment_orders"][0]
        lines = []
        for item in by_order["fulfillment_order_line_items"]:
            fo_line = next(li for li in fo["line_items"] if li["id"] == item["id"])
            if item["quantity"] > fo_line["fulfillable_quantity"]:
                return 422, {"errors": ["Invalid fulfillment order line item quantity requested."]}
            lines.append({"id": fo_line["line_item_id"], "quantity": item["quantity"]})
        tracking = spec.get("tracking_info") or {}
        fulfillment = {
            "id": 255858046 + len(self.fulfillments[order_id]), "order_id": int(order_id),
            "status": "success", "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"),
            "tracking_numbers": [tracking.get("number")], "tracking_url": tracking.get("url"),
            "tracking_urls": [tracking.get("url")], "line_items": lines,
        }  # fmt: skip
        self.fulfillments[order_id].append(fulfillment)
        return 201, {"fulfillment": fulfillment}

    def _update_tracking(self, fulfillment_id: int, body: dict) -> tuple[int, dict]:
        """POST /fulfillments/{id}/update_tracking.json: replaces the tracking info."""
        tracking = body["fulfillment"]["tracking_info"]
        for fulfillments in self.fulfillments.values():
            for fulfillment in fulfillments:
                if fulfillment["id"] == fulfillment_id:
                    fulfillment.update({
                        "tracking_company": tracking.get("company"),
                        "tracking_number": tracking.get("number"),
                        "tracking_numbers": [tracking.get("number")],
                        "tracking_url": tracking.get("url"),
                        "tracking_urls": [tracking.get("url")],
                    })  # fmt: skip
                    return 200, {"fulfillment": fulfillment}
        return 404, {"errors": "Not Found"}

    def _shopify(self, method: str, path: str, query: dict, body) -> tuple[int, dict]:
        rest = path.removeprefix(SHOPIFY)
        if m := re.fullmatch(r"/orders/(\d+)/fulfillment_orders\.json", rest):
            return 200, self._fulfillment_orders(m[1])
        if m := re.fullmatch(r"/orders/(\d+)/fulfillments\.json", rest):
            return 200, {"fulfillments": self.fulfillments.get(m[1], [])}
        if rest == "/fulfillments.json" and method == "POST":
            return self._create_fulfillment(body)
        if m := re.fullmatch(r"/fulfillments/(\d+)/update_tracking\.json", rest):
            return self._update_tracking(int(m[1]), body)
        if m := re.fullmatch(r"/orders/(\d+)/cancel\.json", rest):
            if m[1] in self.cancelled:
                return 422, {"error": "Cannot cancel an order that has already been cancelled"}
            self.cancelled.add(m[1])
            return 200, {"order": {"id": int(m[1]), "cancelled_at": "2026-11-26T12:00:00Z"}}
        if rest == "/graphql.json":
            sku = body["variables"]["q"].removeprefix("sku:")
            edges = ([{"node": {"inventoryItem": {
                "id": f"gid://shopify/InventoryItem/{self.variants[sku]}"}}}]
                if sku in self.variants else [])  # fmt: skip
            return 200, {"data": {"productVariants": {"edges": edges}}}
        if rest == "/inventory_levels/set.json":
            return 200, {"inventory_level": {**body, "updated_at": "2026-11-26T12:00:00Z"}}
        if rest == "/orders.json":
            # Cursor pagination as documented: the next page is a Link header with page_info.
            if "page_info" in query:
                since, offset = query["page_info"][0].split("|")
            else:
                since, offset = query.get("updated_at_min", [""])[0], "0"
            limit = min(int(query.get("limit", ["50"])[0]), self.orders_page_size)
            found = [o for o in self.shopify_orders.values() if o["updated_at"] >= since]
            start = int(offset)
            page = found[start : start + limit]
            headers = {}
            if start + limit < len(found):
                cursor = f"{since}|{start + limit}"
                headers["Link"] = (f'<{self.url}{SHOPIFY}/orders.json?limit={limit}'
                                   f'&page_info={cursor}>; rel="next"')  # fmt: skip
            return 200, {"orders": page}, headers
        return 404, {"errors": "Not Found"}

    # -- WooCommerce -----------------------------------------------------------------------
    def _woo(self, method: str, path: str, query: dict, body) -> tuple[int, object]:
        rest = path.removeprefix(WOO)
        if m := re.fullmatch(r"/orders/(\d+)/notes", rest):
            notes = self.woo_notes.setdefault(m[1], [])
            if method == "POST":
                note = {"id": 280 + len(notes), "author": "system",
                        "date_created": "2026-11-26T12:00:00", **body}  # fmt: skip
                notes.append(note)
                return 201, note
            return 200, notes
        if m := re.fullmatch(r"/orders/(\d+)", rest):
            return 200, {"id": int(m[1]), **(body or {})}
        if rest == "/products":
            sku = query.get("sku", [""])[0]
            found = [{"id": self.woo_products[sku], "sku": sku}] if sku in self.woo_products else []
            return 200, found
        if m := re.fullmatch(r"/products/(\d+)", rest):
            return 200, {"id": int(m[1]), **body}
        return 404, {"code": "rest_no_route"}

    # -- generic receiver and carrier ------------------------------------------------------
    def _generic(self, headers: dict, raw: bytes) -> tuple[int, dict]:
        try:
            generic.verify(headers, raw, self.generic_secret)
        except Exception:
            return 401, {"error": "bad signature"}
        return 204, {}

    def _answer(self, method, path, query, headers, body, raw):
        if path.startswith(SHOPIFY):
            return self._shopify(method, path, query, body)
        if path.startswith(WOO):
            return self._woo(method, path, query, body)
        if path == "/hooks":
            return self._generic(headers, raw)
        if m := re.fullmatch(r"/carrier/trackers/(\w+)", path):
            tracker = self.trackers.get(m[1])
            return (200, tracker) if tracker else (404, {"error": "n/a"})
        return 404, {}


def woo_auth_header(token: str) -> str:
    return "Basic " + base64.b64encode(token.encode()).decode()
