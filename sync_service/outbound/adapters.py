"""Shop adapters: one outbox event -> the calls a shop's API needs.

Every push is idempotent at the shop: a shipment is keyed by the Odoo picking id and its
tracking number (a marker in Redis, and the shop's own fulfilments checked for the tracking
number before creating or updating one; a number added later updates the picking's fulfilment);
generic channels get a Standard Webhooks ``webhook-id`` derived from the outbox id, so their
receiver drops a repeat. Errors say whether a retry can help.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import httpx
import orjson
import redis

from sync_service.config import ChannelSettings
from sync_service.inbox.providers import generic
from sync_service.outbound import keys
from sync_service.outbound.base import PushError, ShopAdapter, carrier_of
from sync_service.outbound.base import check_reply as _check
from sync_service.outbound.order_changes import ShopifyOrderChanges, WooCommerceOrderChanges
from sync_service.outbound.refunds import ShopifyRefunds, WooCommerceRefunds
from sync_service.outbound.shopware import ShopwareAdapter

log = logging.getLogger("sync_service.outbound")


def _tracking_numbers(fulfilment: dict) -> list[str]:
    return [n for n in fulfilment.get("tracking_numbers") or [fulfilment.get("tracking_number")]
            if n]  # fmt: skip


def _wanted_lines(payload: dict) -> dict[str, float]:
    return {str(line["external_line_id"]): line["quantity"] for line in payload["lines"]
            if line.get("external_line_id")}  # fmt: skip


#: Carrier codes whose Shopify tracking company name is the same in every country. "dhl" is
#: not among them: Shopify lists "DHL Express", "DHL eCommerce" and "Deutsche Post" apart, and
#: which one a shop means is the channel's ``carrier_names`` to say.
SHOPIFY_TRACKING_COMPANIES = {
    "dhl_express": "DHL Express",
    "deutsche_post": "Deutsche Post",
    "dpd": "DPD",
    "fedex": "FedEx",
    "gls": "GLS",
    "ups": "UPS",
    "usps": "USPS",
}


class ShopifyAdapter(ShopifyRefunds, ShopifyOrderChanges, ShopAdapter):
    """Shopify Admin REST API (``api_url`` = https://{shop}/admin/api/2024-10)."""

    def _headers(self) -> dict[str, str]:
        return {"X-Shopify-Access-Token": self.channel.access_token.get_secret_value()}

    def _get(self, path: str, **params) -> dict:
        url = f"{self.channel.api_url}{path}"
        return _check(self.http.get(url, params=params, headers=self._headers()), path).json()

    def _post(self, path: str, body: dict) -> httpx.Response:
        url = f"{self.channel.api_url}{path}"
        return self.http.post(url, json=body, headers=self._headers())

    def on_shipment_shipped(self, _event_id: int, payload: dict) -> str:
        """One fulfilment per picking. Odoo publishes the picking again when a tracking number
        is added (or changed) after validation: the picking's fulfilment then gets it through
        ``update_tracking`` instead of a second fulfilment being attempted."""
        order_id = str(payload["external_id"])
        tracking = payload.get("tracking_number") or ""
        existing = self._get(f"/orders/{order_id}/fulfillments.json")["fulfillments"]
        if tracking and any(tracking in _tracking_numbers(f) for f in existing):
            return "already"  # pushed before a crash lost our marker
        fulfilment = self._picking_fulfilment(payload, existing)
        if fulfilment is not None:
            if not tracking:
                return "already"  # a replay without tracking never clears the shop's number
            body = {"fulfillment": {"notify_customer": True,
                                    "tracking_info": self._tracking_info(payload)}}  # fmt: skip
            path = f"/fulfillments/{fulfilment['id']}/update_tracking.json"
            _check(self._post(path, body), "update fulfillment tracking")
            return "updated"
        fulfillment_orders = self._get(f"/orders/{order_id}/fulfillment_orders.json")
        wanted = _wanted_lines(payload)
        by_order = []
        for fo in fulfillment_orders["fulfillment_orders"]:
            if fo.get("status") not in ("open", "in_progress", "scheduled"):
                continue
            items = [
                {"id": item["id"],
                 "quantity": min(int(wanted[str(item["line_item_id"])]),
                                 item["fulfillable_quantity"])}
                for item in fo["line_items"]
                if str(item["line_item_id"]) in wanted and item["fulfillable_quantity"] > 0
            ]  # fmt: skip
            if items:
                by_order.append({"fulfillment_order_id": fo["id"],
                                 "fulfillment_order_line_items": items})  # fmt: skip
        if not by_order:
            raise PushError(f"order {order_id}: nothing left to fulfil", retryable=False)
        body = {"fulfillment": {
            "line_items_by_fulfillment_order": by_order,
            "tracking_info": self._tracking_info(payload),
            "notify_customer": True,
        }}  # fmt: skip
        reply = _check(self._post("/fulfillments.json", body), "create fulfillment")
        created = (reply.json() or {}).get("fulfillment") or {}
        if self.redis is not None and created.get("id") and payload.get("picking_id"):
            key = keys.fulfilment(self.code, payload["picking_id"])
            self.redis.set(key, created["id"], ex=keys.PUSHED_TTL_S)
        return "pushed"

    def _tracking_info(self, payload: dict) -> dict:
        return {"number": payload.get("tracking_number") or "",
                "url": payload.get("tracking_url") or "",
                "company": self._tracking_company(payload)}  # fmt: skip

    def _tracking_company(self, payload: dict) -> str:
        """Shopify's name of the carrier (its list of tracking companies): the channel's own
        mapping first, then the carriers whose name there is unambiguous, else our code."""
        code = carrier_of(payload)
        names = self.channel.carrier_names
        return names.get(code) or SHOPIFY_TRACKING_COMPANIES.get(code.lower()) or code

    def _picking_fulfilment(self, payload: dict, existing: list[dict]) -> dict | None:
        """The shop's live fulfilment of this picking: the one we created (id remembered in
        Redis), else - for fulfilments created before that was remembered - the only one
        without a tracking number whose lines are exactly the picking's."""
        live = [f for f in existing if f.get("status") not in ("cancelled", "error", "failure")]
        if self.redis is not None and payload.get("picking_id"):
            known = self.redis.get(keys.fulfilment(self.code, payload["picking_id"]))
            if known is not None:
                for fulfilment in live:
                    if str(fulfilment.get("id")) == known.decode():
                        return fulfilment
        wanted = {line_id: int(qty) for line_id, qty in _wanted_lines(payload).items()}
        matches = [
            f for f in live
            if not any(_tracking_numbers(f))
            and {str(li.get("id")): int(li.get("quantity", 0))
                 for li in f.get("line_items") or []} == wanted
        ]  # fmt: skip
        return matches[0] if wanted and len(matches) == 1 else None

    def on_order_cancelled(self, _event_id: int, payload: dict) -> str:
        reply = self._post(f"/orders/{payload['external_id']}/cancel.json", {})
        if reply.status_code == 422 and "already" in reply.text.lower():
            return "already"
        _check(reply, "cancel order")
        return "pushed"

    def on_stock_changed(self, _event_id: int, payload: dict) -> str:
        return self.set_inventory(payload["sku"], int(payload["sellable"]))

    def _inventory_item(self, sku: str) -> str:
        query = (
            "query($q: String!) { productVariants(first: 1, query: $q) "
            "{ edges { node { inventoryItem { id } } } } }"
        )
        body = {"query": query, "variables": {"q": f"sku:{sku}"}}
        reply = _check(self._post("/graphql.json", body), "variant by SKU").json()
        edges = reply["data"]["productVariants"]["edges"]
        if not edges:
            raise PushError(f"no Shopify variant with SKU {sku}", retryable=False)
        return edges[0]["node"]["inventoryItem"]["id"].rsplit("/", 1)[-1]

    def set_inventory(self, sku: str, available: int) -> str:
        body = {
            "location_id": int(self.channel.location_id),
            "inventory_item_id": int(self._inventory_item(sku)),
            "available": available,
        }
        _check(self._post("/inventory_levels/set.json", body), "set inventory level")
        return "pushed"

    def orders_updated_since(self, watermark: str, max_pages: int = 20) -> list[dict]:
        """Every page (Shopify paginates with a ``Link: <...>; rel="next"`` cursor)."""
        url = f"{self.channel.api_url}/orders.json"
        params: dict | None = {"updated_at_min": watermark, "status": "any", "limit": 250}
        orders: list[dict] = []
        for _ in range(max_pages):
            reply = _check(self.http.get(url, params=params, headers=self._headers()), "orders")
            orders.extend(reply.json()["orders"])
            following = reply.links.get("next", {}).get("url")
            if not following:
                break
            url, params = following, None  # the cursor URL carries every parameter
        return orders


class WooCommerceAdapter(WooCommerceRefunds, WooCommerceOrderChanges, ShopAdapter):
    """WooCommerce REST API v3 (``api_url`` = https://shop/wp-json/wc/v3; token ``ck:cs``)."""

    def _auth(self) -> tuple[str, str]:
        key, _, secret = self.channel.access_token.get_secret_value().partition(":")
        return key, secret

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        url = f"{self.channel.api_url}{path}"
        return _check(self.http.request(method, url, auth=self._auth(), **kwargs), path)

    def on_order_accepted(self, _event_id: int, payload: dict) -> str:
        self._call("PUT", f"/orders/{payload['external_id']}", json={"status": "processing"})
        return "pushed"

    def on_order_cancelled(self, _event_id: int, payload: dict) -> str:
        self._call("PUT", f"/orders/{payload['external_id']}", json={"status": "cancelled"})
        return "pushed"

    def on_shipment_shipped(self, _event_id: int, payload: dict) -> str:
        # A note per (picking, tracking number): a number added after validation is told too.
        tracking = payload.get("tracking_number") or ""
        legacy = f"[oms:{payload['picking_id']}]"  # notes written before the number counted
        marker = f"[oms:{payload['picking_id']}:{tracking}]" if tracking else legacy
        notes = self._call("GET", f"/orders/{payload['external_id']}/notes").json()
        if any(marker in note.get("note", "") or (legacy in note.get("note", "") and tracking
                                                  and tracking in note.get("note", ""))
               for note in notes):  # fmt: skip
            return "already"
        note = (
            f"Shipped {payload.get('picking_name', '')} with {payload.get('carrier', '')}: "
            f"{payload.get('tracking_number', '')} {payload.get('tracking_url', '')} {marker}"
        )
        self._call("POST", f"/orders/{payload['external_id']}/notes",
                   json={"note": note, "customer_note": True})  # fmt: skip
        return "pushed"

    def on_stock_changed(self, _event_id: int, payload: dict) -> str:
        return self.set_inventory(payload["sku"], int(payload["sellable"]))

    def set_inventory(self, sku: str, available: int) -> str:
        products = self._call("GET", "/products", params={"sku": sku}).json()
        if not products:
            raise PushError(f"no WooCommerce product with SKU {sku}", retryable=False)
        self._call("PUT", f"/products/{products[0]['id']}",
                   json={"manage_stock": True, "stock_quantity": available})  # fmt: skip
        return "pushed"

    def orders_updated_since(self, watermark: str, max_pages: int = 20) -> list[dict]:
        """Every page (WooCommerce says how many in ``X-WP-TotalPages``)."""
        orders: list[dict] = []
        for page in range(1, max_pages + 1):
            params = {"modified_after": watermark, "per_page": 100, "page": page}
            reply = self._call("GET", "/orders", params=params)
            orders.extend(reply.json())
            if page >= int(reply.headers.get("x-wp-totalpages") or 1):
                break
        return orders


class GenericAdapter(ShopAdapter):
    """Custom shops: every event as a Standard-Webhooks-signed POST to ``api_url``."""

    def _send(self, msg_id: str, kind: str, data: dict) -> str:
        body = orjson.dumps({
            "type": kind,
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": data,
        })  # fmt: skip
        stamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": generic.sign(
                self.channel.secret.get_secret_value(), msg_id, stamp, body
            ),
        }
        _check(self.http.post(self.channel.api_url, content=body, headers=headers), kind)
        return "pushed"

    def push(self, topic: str, event_id: int, payload: dict) -> str:
        # The id is stable across our retries: the receiver dedupes by webhook-id.
        return self._send(f"oms-outbox-{event_id}", topic, payload)

    def set_inventory(self, sku: str, available: int) -> str:
        return self._send(f"oms-stock-{sku}-{available}", "stock.snapshot",
                          {"sku": sku, "sellable": available})  # fmt: skip


ADAPTERS = {"shopify": ShopifyAdapter, "woocommerce": WooCommerceAdapter,
            "generic": GenericAdapter, "shopware": ShopwareAdapter}  # fmt: skip


def adapter_for(
    code: str, channel: ChannelSettings, http: httpx.Client, redis: redis.Redis | None = None
) -> ShopAdapter:
    return ADAPTERS[channel.provider](code, channel, http, redis)
