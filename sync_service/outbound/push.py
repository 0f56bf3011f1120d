"""Pull Odoo's outbox by cursor, push each event to its shop, then acknowledge.

Order of steps, so a crash anywhere repeats work instead of losing it: fetch after the cursor
-> apply the batch to the checkout projection (``checkout.jobs.on_outbox_batch``) -> push
(idempotent at the shop) or park for retry -> save the cursor in Redis -> ``ack`` in Odoo. A
shop that is down does not hold back the others: its events wait in a retry set with backoff
and, after the last attempt, in a dead-letter stream.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from contextlib import contextmanager

import httpx
import orjson
import redis

from sync_service import metrics, stats
from sync_service.carriers.labels.base import LabelError
from sync_service.carriers.labels.service import LABELS, buy_label
from sync_service.checkout.config import CheckoutSettings, get_checkout_settings
from sync_service.checkout.jobs import on_outbox_batch
from sync_service.config import Settings
from sync_service.odoo_client import OdooError, OdooGateway
from sync_service.outbound import keys
from sync_service.outbound.adapters import PushError, adapter_for, carrier_of

log = logging.getLogger("sync_service.outbound")

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@contextmanager
def single_runner(client: redis.Redis, key: str, ttl_ms: int):
    """Yield True for the one runner holding ``key``; others get False and skip this tick."""
    token = uuid.uuid4().hex
    held = bool(client.set(key, token, nx=True, px=ttl_ms))
    try:
        yield held
    finally:
        if held:
            client.eval(_RELEASE, 1, key, token)


class OutboxPusher:
    def __init__(self, settings: Settings, client: redis.Redis, odoo: OdooGateway,
                 http: httpx.Client | None = None,
                 checkout: CheckoutSettings | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.redis = client
        self.odoo = odoo
        self.http = http or httpx.Client(timeout=20)
        self.checkout = checkout or get_checkout_settings()

    def run(self, max_batches: int = 20) -> int:
        with single_runner(self.redis, keys.LOCK, 120_000) as held:
            if not held:
                return 0
            pushed = self._retry_due()
            for _ in range(max_batches):
                count = self._one_batch()
                pushed += count
                if count == 0:
                    break
            return pushed

    def _one_batch(self) -> int:
        cursor = int(self.redis.get(keys.CURSOR) or 0)
        try:
            batch = self.odoo.fetch_outbox(cursor, 500)
        except OdooError as exc:
            log.warning("outbox fetch failed: %s", exc)
            return 0
        events = batch.get("events", [])
        if events and not self._project(events):
            return 0  # cursor not moved: the whole batch comes again next tick
        for event in events:
            self._deliver(event, attempts=0)
        new_cursor = int(batch.get("cursor", cursor))
        if new_cursor > cursor:
            self.redis.set(keys.CURSOR, new_cursor)
            metrics.OUTBOX_CURSOR.set(new_cursor)
            try:
                self.odoo.ack_outbox(self.settings.outbox_consumer, new_cursor)
            except OdooError as exc:  # harmless: Odoo only keeps rows a little longer
                log.warning("outbox ack failed: %s", exc)
        return len(events)

    def _project(self, events: list[dict]) -> bool:
        """Checkout projection first, before the (slow) shop pushes: a stock change is then
        visible at checkout one poll after Odoo wrote it. Should it fail, the cursor must not
        move: later batches would raise the hold watermark past events never applied, and
        converted holds would stop counting before Odoo's stock drop is in the projection."""
        try:
            on_outbox_batch(events, self.redis, self.checkout)
        except Exception:
            log.exception("checkout projection of outbox batch failed; batch left for next tick")
            return False
        return True

    def _retry_due(self) -> int:
        now = time.time()
        due = self.redis.zrangebyscore(keys.RETRY, "-inf", now, start=0, num=500)
        for member in due:
            if self.redis.zrem(keys.RETRY, member):  # only one runner takes it
                parked = orjson.loads(member)
                self._deliver(parked["event"], parked["attempts"])
        return len(due)

    def _deliver(self, event: dict, attempts: int) -> None:
        topic, payload = event["topic"], event.get("payload") or {}
        if topic == "label.requested":  # for a carrier, not a shop (carriers/labels/)
            self._buy_label(event, attempts)
            return
        channel_code = event.get("channel_code") or ""
        if topic == "shipment.shipped" and payload.get("tracking_number"):
            self._remember_tracking(payload)
        channel = self.settings.channels.get(channel_code)
        if channel is None:
            # stock.changed rows may carry no channel: they go to every channel.
            targets = self.settings.channels.items() if topic == "stock.changed" else []
        else:
            targets = [(channel_code, channel)]
        for code, config in targets:
            if config.api_url:  # a channel without a shop API (yet) is not pushed to
                self._push_one(code, config, event, attempts)

    def _push_one(self, code: str, config, event: dict, attempts: int) -> None:
        topic, payload = event["topic"], event.get("payload") or {}
        if self._already_pushed(code, event):
            return
        extra = {"channel": code, "topic": topic, "outbox_id": event["id"],
                 "external_id": payload.get("external_id")}  # fmt: skip
        try:
            adapter = adapter_for(code, config, self.http, self.redis)
            result = adapter.push(topic, event["id"], payload)
        except (PushError, httpx.HTTPError) as exc:
            retryable = getattr(exc, "retryable", True)
            self._park(code, event, attempts + 1, str(exc), retryable)
            metrics.OUTBOX_PUSHED.labels(topic, config.provider, "failed").inc()
            log.warning("push failed: %s", exc, extra=extra)
            return
        self._mark_pushed(code, event)
        metrics.OUTBOX_PUSHED.labels(topic, config.provider, result).inc()
        stats.incr(self.redis, f"outbox:{topic}:{result}")
        log.info("push %s", result, extra=extra)

    def _markers(self, code: str, event: dict) -> list[str]:
        """Redis markers of an accepted push. stock.changed has none (an absolute figure,
        harmless to send twice). shipment.shipped: one per (picking, tracking number), plus
        the picking's newest pushed outbox id - the marker's format before the tracking
        number counted, so those markers still stop a replay, and an older event of the
        picking (a parked retry overtaken by a newer number) never undoes the newer one."""
        topic, payload = event["topic"], event.get("payload") or {}
        if topic == "stock.changed":
            return []
        picking = payload.get("picking_id")
        if topic == "shipment.shipped" and picking:
            ref = keys.shipped_ref(picking, payload.get("tracking_number"))
            return [keys.pushed(code, topic, ref), keys.pushed(code, topic, str(picking))]
        return [keys.pushed(code, topic, str(picking or event["id"]))]

    def _already_pushed(self, code: str, event: dict) -> bool:
        markers = self._markers(code, event)
        if not markers:
            return False
        if self.redis.exists(markers[0]):
            return True
        if len(markers) == 2:
            newest = self.redis.get(markers[1])
            return newest is not None and int(newest) >= int(event["id"])
        return False

    def _mark_pushed(self, code: str, event: dict) -> None:
        markers = self._markers(code, event)
        if not markers:
            return
        self.redis.set(markers[0], event["id"], ex=keys.PUSHED_TTL_S)
        if len(markers) == 2:  # pushes run under the single-runner lock: no race here
            newest = int(self.redis.get(markers[1]) or 0)
            if int(event["id"]) > newest:
                self.redis.set(markers[1], event["id"], ex=keys.PUSHED_TTL_S)

    def _park(self, code: str, event: dict, attempts: int, error: str, retryable: bool) -> None:
        # A parked copy targets only the channel that failed.
        parked = {**event, "channel_code": code}
        if not retryable or attempts >= self.settings.ingest_max_attempts:
            self.redis.xadd(keys.DEAD, {"event": orjson.dumps(parked), "attempts": attempts,
                                        "last_error": error[:500]})  # fmt: skip
            stats.incr(self.redis, "dead:outbox")
            return
        delay = min(self.settings.retry_max_s, self.settings.retry_base_s * 2 ** (attempts - 1))
        due = time.time() + delay * random.uniform(0.5, 1.0)
        self.redis.zadd(keys.RETRY, {orjson.dumps({"event": parked, "attempts": attempts}): due})

    def _buy_label(self, event: dict, attempts: int) -> None:
        try:
            result = buy_label(self.settings, self.redis, self.odoo, self.http, event)
        except LabelError as exc:
            self._park(LABELS, event, attempts + 1, str(exc), exc.retryable)
            metrics.OUTBOX_PUSHED.labels(event["topic"], LABELS, "failed").inc()
            log.warning("label not bought: %s", exc, extra={"outbox_id": event["id"]})
            return
        metrics.OUTBOX_PUSHED.labels(event["topic"], LABELS, result).inc()

    def _remember_tracking(self, payload: dict) -> None:
        # OMS_CARRIERS is keyed by carrier code (dhl), as tracking events name the carrier;
        # payloads without carrier_code (older addon) fall back to the carrier's name.
        carrier = carrier_of(payload).lower()
        if carrier in self.settings.carriers and self.settings.carriers[carrier].poll_url:
            self.redis.sadd(keys.active_tracking(carrier), payload["tracking_number"])
