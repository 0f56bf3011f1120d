"""Inbox -> Odoo: canonical orders, refunds and tracking events handed over in batches.

Acknowledged per event only once Odoo has answered for it; one bad order or refund never holds
back the batch. A batch's orders go to Odoo in up to ``lanes`` calls at once, split so that no
two calls share a SKU or an order (docs/sync_service.md, "Ingest lanes"). Tracking never
moves a parcel back: the status Odoo last applied per tracking number is kept in Redis, and a
scan that cannot move it (oms_engine.tracking) is acknowledged without calling Odoo.
"""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import orjson
import redis

from oms_engine.tracking import scan_moves_parcel
from sync_service import stats
from sync_service.canonical import TrackingStatus
from sync_service.checkout.config import CheckoutSettings, get_checkout_settings
from sync_service.checkout.jobs import on_orders_ingested
from sync_service.inbox import keys
from sync_service.inbox.consumer import InboxConsumer, InboxEvent
from sync_service.odoo_client import OdooError, OdooGateway

log = logging.getLogger("sync_service.ingest")

ORDER_DONE = {"created", "updated", "unchanged", "stale", "cancelled"}
TRACKING_DONE = {"updated", "unchanged", "stale", "applied", "ok"}
REFUND_DONE = {"created", "unchanged"}
# Retrying cannot fix these: straight to the dead letters for a person to look at.
PERMANENT = {"invalid_payload", "not_cancellable", "refused"}

# KEYS: lease. ARGV: token, ttl ms. Keep the lease only while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Parcel statuses Odoo applied are remembered this long (a parcel's journey is over by then).
TRACKING_MEMORY_S = 90 * 24 * 3600


class Ingestor:
    def __init__(self, consumer: InboxConsumer, odoo: OdooGateway, batch_size: int,
                 checkout: CheckoutSettings | None = None, lanes: int = 1) -> None:  # fmt: skip
        self.consumer = consumer
        self.odoo = odoo
        self.batch_size = batch_size
        self.checkout = checkout or get_checkout_settings()
        self.lanes = max(1, lanes)
        self._renew = consumer.redis.register_script(_RENEW)
        self._release = consumer.redis.register_script(_RELEASE)

    def drain(self, budget_s: float = 10.0) -> int:
        """Process batches until the inbox is empty or the time budget is spent.

        One drain at a time across all workers, under a lease in Redis: two batches confirmed
        at once in Odoo mostly share popular SKUs, so one waits for the other's stock locks
        and then fails on a serialization error and retries (with 2 worker processes that made
        the webhook-to-order p99 several times longer than one drain at a time). A drain that
        finds the lease taken returns at once; the next beat tick tries again. The lease is
        renewed before each batch and lapses after ``claim_idle_ms`` - the same time after
        which a dead worker's events are reclaimed - so a killed worker blocks nobody longer.
        """
        redis_client = self.consumer.redis
        token, ttl_ms = uuid.uuid4().hex, max(int(self.consumer.claim_idle_ms), 1000)
        if not redis_client.set(keys.INGEST_LEASE, token, nx=True, px=ttl_ms):
            stats.incr(redis_client, "ingest:lease_busy")
            return 0
        try:
            self.consumer.ensure_group()
            self.consumer.prune_consumers()
            self.consumer.promote_due()
            handled, deadline = 0, time.monotonic() + budget_s
            while time.monotonic() < deadline:
                if not self._renew(keys=[keys.INGEST_LEASE], args=[token, ttl_ms]):
                    log.warning("ingest lease lapsed during a batch; this drain stops")
                    break
                events = self.consumer.read(self.batch_size * self.lanes)
                if not events:
                    break
                self.process(events)
                handled += len(events)
            return handled
        finally:
            self._release(keys=[keys.INGEST_LEASE], args=[token])

    def process(self, events: list[InboxEvent]) -> None:
        by_kind: dict[str, list[InboxEvent]] = {}
        for event in events:
            by_kind.setdefault(event.kind, []).append(event)
        lanes = split_by_skus(by_kind.pop("order", []), self.lanes)
        if len(lanes) > 1:
            # Each call is its own Odoo transaction; sharing no SKU, they take no stock lock
            # the other waits for (Odoo serves them in two of its workers).
            with ThreadPoolExecutor(len(lanes), thread_name_prefix="ingest-lane") as pool:
                list(pool.map(self._orders, lanes))
        elif lanes:
            self._orders(lanes[0])
        # After the orders of the same batch: a refund read together with its order finds it.
        self._refunds(by_kind.pop("refund", []))
        self._refunds(by_kind.pop("return", []), "apply_returns", "return")
        self._tracking(by_kind.pop("tracking", []))
        for kind, rest in by_kind.items():
            # A kind this worker does not know (a newer API wrote it): kept, not lost.
            for event in rest:
                self._fail(event, f"unsupported_kind: no Odoo intake for {kind!r}", True)

    def _orders(self, events: list[InboxEvent]) -> None:
        if not events:
            return
        orders = [orjson.loads(event.fields["data"]) for event in events]
        results = self._call("ingest_orders", events, orders)
        if results is None:
            return
        self._convert_holds(orders, results)
        done, latencies = [], []
        now_ms = int(time.time() * 1000)
        for event, order, result in zip(events, orders, results, strict=True):
            status = result.get("status")
            stats.incr(self.consumer.redis, f"ingested:order:{status}")
            log.info(
                "order %s", status,
                extra={"event_id": event.event_id, "channel": order.get("channel"),
                       "external_id": order.get("external_id"),
                       "order_id": result.get("order_id"), "order_name": result.get("order_name")},
            )  # fmt: skip
            if status in ORDER_DONE:
                done.append(event)
                latencies.append(now_ms - int(event.field("received_ms") or now_ms))
            else:
                error = result.get("error") or {}
                code = error.get("code", "unknown_error")
                self._fail(event, f"{code}: {error.get('message', '')}", code in PERMANENT)
        self.consumer.ack(done)
        stats.record_latencies(self.consumer.redis, latencies)

    def _refunds(self, events: list[InboxEvent], method="apply_refunds", kind="refund") -> None:
        """Refunds go to ``apply_refunds`` in one call; Odoo keys them by (channel, refund id),
        so a redelivered or replayed refund comes back ``unchanged``. A refund that overtook
        its order (``unknown_order``) is retried with backoff until the order is there.
        Returns (``apply_returns``, keyed by the shop's return id) go the same way."""
        if not events:
            return
        refunds = [orjson.loads(event.fields["data"]) for event in events]
        results = self._call(method, events, refunds)
        if results is None:
            return
        done = []
        for event, refund, result in zip(events, refunds, results, strict=True):
            status = result.get("status")
            stats.incr(self.consumer.redis, f"ingested:{kind}:{status}")
            log.info(
                "%s %s", kind, status,
                extra={"event_id": event.event_id, "channel": refund.get("channel"),
                       "external_id": refund.get("external_id"),
                       "refund_id": refund.get("refund_id") or refund.get("return_id"),
                       "order_id": result.get("order_id"),
                       "order_name": result.get("order_name")},
            )  # fmt: skip
            if status in REFUND_DONE:
                done.append(event)
            else:
                error = result.get("error") or {}
                code = error.get("code", "unknown_error")
                self._fail(event, f"{code}: {error.get('message', '')}", code in PERMANENT)
        self.consumer.ack(done)

    def _convert_holds(self, orders: list[dict], results: list[dict]) -> None:
        """Checkout holds (``reservation_id``) of the orders Odoo accepted become converted.
        Before the ack, so a worker dying here leaves the events to be redelivered (Odoo then
        answers ``unchanged`` and the hold is converted then). A failure is logged, not
        raised: the order is in Odoo either way, the outbox's ``order.accepted`` converts the
        hold too, and an unconverted hold only stays conservative until it expires."""
        try:
            on_orders_ingested(orders, results, self.consumer.redis, self.checkout)
        except Exception:
            log.exception("checkout: converting the holds of an ingested batch failed")

    def _tracking(self, events: list[InboxEvent]) -> None:
        if not events:
            return
        forward, done = [], []
        for event in events:
            tracking = orjson.loads(event.fields["data"])
            status = TrackingStatus(tracking["status"])
            key = keys.tracking_status(tracking["carrier"], tracking["tracking_number"])
            stored = self.consumer.redis.hget(key, "status")
            late = stored is not None and not scan_moves_parcel(stored.decode(), status.value)
            if status is TrackingStatus.unknown or late:
                # A late scan never moves a parcel back (oms_engine.tracking); Odoo applies
                # the same rule, with the scans' times, to the scans passed on.
                stats.incr(self.consumer.redis, "ingested:tracking:stale")
                done.append(event)
            else:
                forward.append((event, tracking, key, status))
        self.consumer.ack(done)
        if not forward:
            return
        results = self._call(
            "apply_tracking", [event for event, *_ in forward], [t for _, t, _, _ in forward]
        )
        if results is None:
            return
        acked = []
        for (event, tracking, key, status), result in zip(forward, results, strict=True):
            outcome = result.get("status", "ok")
            stats.incr(self.consumer.redis, f"ingested:tracking:{outcome}")
            if outcome == "error":
                error = result.get("error") or {}
                self._fail(event, f"{error.get('code')}: {error.get('message', '')}")
                continue
            if outcome == "updated":
                self.consumer.redis.pipeline().hset(key, "status", status.value).expire(
                    key, TRACKING_MEMORY_S
                ).execute()
            log.info("tracking %s", outcome, extra={
                "event_id": tracking["event_id"], "tracking_number": tracking["tracking_number"],
                "status": status.value})  # fmt: skip
            acked.append(event)
        self.consumer.ack(acked)

    def _call(self, method: str, events: list[InboxEvent], payloads: list[dict]) -> list | None:
        """One Odoo call for the batch, one result per payload; None when the call failed,
        after every event of it went to the retry set (Odoo's methods are idempotent)."""
        try:
            results = getattr(self.odoo, method)(payloads)
            if not isinstance(results, list) or len(results) != len(payloads):
                raise OdooError(f"{method} answered {len(results or [])} for {len(payloads)}")
        except OdooError as exc:
            for event in events:
                self._fail(event, str(exc))
            return None
        return results

    def _fail(self, event: InboxEvent, error: str, permanent: bool = False) -> None:
        outcome = self.consumer.fail(event, error, permanent=permanent)
        stats.incr(self.consumer.redis, f"{outcome}:{event.kind}")
        log.warning(
            "event %s: %s", outcome, error,
            extra={"event_id": event.event_id, "attempts": int(event.field("attempts") or 0) + 1},
        )  # fmt: skip


def split_by_skus(events: list[InboxEvent], lanes: int) -> list[list[InboxEvent]]:
    """Orders in at most ``lanes`` groups that share no SKU and no order, each in the inbox's
    order, as even as the orders allow.

    Orders linked by a SKU or by being the same shop order (transitively) stay together: in
    two Odoo transactions at once they would wait for each other's stock locks and fail on a
    serialization error. A popular SKU therefore gathers its orders in one group - one
    transaction, where they cost nothing extra - and the rest fill the others (largest group
    of linked orders first, each to the group with the fewest orders so far).
    """
    if lanes <= 1 or len(events) < 2:
        return [events] if events else []
    parent: dict = {}

    def find(node):
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for index, event in enumerate(events):
        for node in _links(event):
            parent[find(node)] = find(index)
    linked: dict = {}
    for index in range(len(events)):
        linked.setdefault(find(index), []).append(index)
    groups: list[list[int]] = [[] for _ in range(lanes)]
    for members in sorted(linked.values(), key=lambda m: (-len(m), m[0])):
        min(groups, key=len).extend(members)
    return [[events[i] for i in sorted(group)] for group in groups if group]


def _links(event: InboxEvent) -> list[tuple[str, str]]:
    """What ties an order to others in Odoo: its SKUs and its shop order."""
    try:
        order = orjson.loads(event.fields["data"])
        links = [("order", f"{order.get('channel')}\x1f{order.get('external_id')}")]
        links += [("sku", str(line["sku"])) for line in order.get("lines") or [] if line.get("sku")]
        return links
    except (KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        return []  # on its own; Odoo names what is wrong with it


def make_consumer(client: redis.Redis, settings, name: str) -> InboxConsumer:
    return InboxConsumer(
        client,
        name,
        max_attempts=settings.ingest_max_attempts,
        retry_base_s=settings.retry_base_s,
        retry_max_s=settings.retry_max_s,
        claim_idle_ms=settings.claim_idle_ms,
    )
