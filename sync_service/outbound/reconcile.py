"""Reconciliation: what a lost webhook or a down shop missed.

- Orders: each shop is asked for orders updated since a watermark; versions newer than what the
  inbox accepted go through the inbox like any webhook (same dedupe, same worker path).
- Stock: Odoo's ``export_sellable`` snapshot is pushed to each shop, so a lost ``stock.changed``
  push is repaired within one reconciliation interval.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import httpx
import orjson
import redis

from sync_service import stats
from sync_service.config import Settings
from sync_service.errors import SyncError
from sync_service.inbox import keys as inbox_keys
from sync_service.inbox.providers import shopify, shopware, woocommerce
from sync_service.inbox.providers.base import Delivery, unusable, validate
from sync_service.inbox.store import accepted_version, store_sync
from sync_service.odoo_client import OdooError, OdooGateway
from sync_service.outbound import keys
from sync_service.outbound.adapters import PushError, adapter_for
from sync_service.outbound.push import single_runner

log = logging.getLogger("sync_service.reconcile")
# Overlap with the previous run: clocks differ and shops index updates late.
OVERLAP = timedelta(minutes=5)


def _canonical(provider: str, channel: str, payload: dict):
    try:
        return _mapped(provider, channel, payload)
    except (ValueError, ArithmeticError) as exc:  # as at the webhook door: the shop's data
        raise unusable(exc) from None


def _mapped(provider: str, channel: str, payload: dict):
    if provider == "shopify":
        return shopify.to_canonical(channel, validate(shopify.ShopifyOrder, payload),
                                    "orders/updated")  # fmt: skip
    if provider == "woocommerce":
        return woocommerce.to_canonical(channel, validate(woocommerce.WooOrder, payload))
    if provider == "shopware":
        return shopware.to_canonical(channel, validate(shopware.SwOrder, payload))
    return None


class Reconciler:
    def __init__(self, settings: Settings, client: redis.Redis, odoo: OdooGateway,
                 http: httpx.Client | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.redis = client
        self.odoo = odoo
        self.http = http or httpx.Client(timeout=30)

    def run(self) -> int:
        with single_runner(self.redis, keys.RECONCILE_LOCK, 600_000) as held:
            if not held:
                return 0
            found = 0
            for code, channel in self.settings.channels.items():
                if not channel.api_url:
                    continue
                found += self.orders(code, channel)
                self.stock(code, channel)
            return found

    def orders(self, code: str, channel) -> int:
        started = datetime.now(timezone.utc)
        raw_mark = self.redis.get(keys.watermark(code))
        mark = (datetime.fromisoformat(raw_mark.decode()) if raw_mark
                else started - timedelta(days=1)) - OVERLAP  # fmt: skip
        adapter = adapter_for(code, channel, self.http)
        try:
            payloads = adapter.orders_updated_since(mark.strftime("%Y-%m-%dT%H:%M:%SZ"))
        except (PushError, httpx.HTTPError) as exc:
            log.warning("reconcile: %s unreachable: %s", code, exc, extra={"channel": code})
            return 0
        stored = 0
        for payload in payloads:
            try:
                order = _canonical(channel.provider, code, payload)
            except SyncError as exc:
                log.warning("reconcile: order skipped: %s", exc.message, extra={"channel": code})
                continue
            if order is None:
                continue
            seen = accepted_version(
                self.redis.get(inbox_keys.order_version(code, order.external_id))
            )
            if seen is not None and seen >= order.external_version:
                continue
            delivery = Delivery(
                f"reconcile:{order.external_id}:{order.external_version}", "reconcile",
                "order", order.model_dump(mode="json"), order.external_id,
                order.external_version,
            )  # fmt: skip
            outcome = store_sync(self.redis, self.settings.dedupe_ttl_s, code, channel.provider,
                                 delivery, orjson.dumps(payload))  # fmt: skip
            stored += outcome == "accepted"
        self.redis.set(keys.watermark(code), started.isoformat())
        stats.incr(self.redis, "reconcile:orders_found", stored)
        return stored

    def stock(self, code: str, channel) -> int:
        try:
            snapshot = self.odoo.export_sellable(code)
        except OdooError as exc:
            log.warning("reconcile: stock snapshot failed: %s", exc, extra={"channel": code})
            return 0
        per_sku: dict[str, float] = defaultdict(float)
        for row in snapshot.get("stock", []):
            per_sku[row["sku"]] += float(row["sellable"])
        adapter = adapter_for(code, channel, self.http)
        pushed = 0
        for sku, sellable in sorted(per_sku.items()):
            try:
                pushed += adapter.set_inventory(sku, max(0, int(sellable))) == "pushed"
            except (PushError, httpx.HTTPError) as exc:
                log.warning("reconcile: stock of %s not pushed: %s", sku, exc,
                            extra={"channel": code, "sku": sku})  # fmt: skip
        return pushed
