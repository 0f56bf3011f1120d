"""Inbox -> Odoo: canonical orders, refunds and tracking events handed over in batches.

Acknowledged per event only once Odoo has answered for it; one bad order or refund never holds
back the batch. A batch's orders go to Odoo in up to ``lanes`` calls at once, split so that no
two calls share a SKU or an order (docs/sync_service.md, "Ingest lanes"). Tracking never
moves a parcel back: the status Odoo last applied per tracking number is kept in Redis, and a
scan that cannot move it (oms_engine.tracking) is acknowledged without calling Odoo.
"""

from __future__ import annotations

import logging
import threading
import time
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
from sync_service.odoo_client import OdooError, OdooGateway, OdooUnavailable
from sync_service.worker.breaker import OdooBreaker
from sync_service.worker.lease import Lease
from sync_service.worker.versions import OrderVersions

log = logging.getLogger("sync_service.ingest")

ORDER_DONE = {"created", "updated", "unchanged", "stale", "cancelled"}
TRACKING_DONE = {"updated", "unchanged", "stale", "applied", "ok"}
REFUND_DONE = {"created", "unchanged"}
# Retrying cannot fix these: straight to the dead letters for a person to look at.
PERMANENT = {"invalid_payload", "not_cancellable", "refused"}

# Parcel statuses Odoo applied are remembered this long (a parcel's journey is over by then).
TRACKING_MEMORY_S = 90 * 24 * 3600
# How long one drain may keep the lease at most: its time budget, then one batch's calls
# (orders, refunds, tracking), each bounded by the Odoo timeout.
DRAIN_BUDGET_S = 10.0


class Ingestor:
    def __init__(self, consumer: InboxConsumer, odoo: OdooGateway, batch_size: int,
                 checkout: CheckoutSettings | None = None, lanes: int = 1, *,
                 lease_s: float = 5.0, probe_interval_s: float = 1.0,
                 odoo_timeout_s: float = 120.0,
                 version_memory_s: int = 7 * 24 * 3600) -> None:  # fmt: skip
        self.consumer = consumer
        self.odoo = odoo
        self.batch_size = batch_size
        self.checkout = checkout or get_checkout_settings()
        self.lanes = max(1, lanes)
        self.lease_s = lease_s
        self.max_hold_s = DRAIN_BUDGET_S + 3 * odoo_timeout_s + 30
        self.breaker = OdooBreaker(consumer.redis, probe_interval_s)
        self.versions = OrderVersions(consumer.redis, version_memory_s)
        self._odoo_away = threading.Event()

    @classmethod
    def from_settings(cls, consumer: InboxConsumer, odoo: OdooGateway, settings) -> Ingestor:
        return cls(consumer, odoo, settings.ingest_batch_size, lanes=settings.ingest_lanes,
                   lease_s=settings.ingest_lease_s,
                   probe_interval_s=settings.odoo_probe_interval_s,
                   odoo_timeout_s=settings.odoo_timeout_s,
                   version_memory_s=settings.dedupe_ttl_s)  # fmt: skip

    def drain(self, budget_s: float = DRAIN_BUDGET_S) -> int:
        """Process batches until the inbox is empty or the time budget is spent.

        One drain at a time across all workers, under a short lease kept alive by a heartbeat
        (worker/lease.py): two batches confirmed at once in Odoo mostly share popular SKUs and
        wait for each other's stock locks. A drain that finds the lease taken returns at once;
        the next beat tick tries again. While Odoo cannot be used the drain holds (it only
        probes Odoo, worker/breaker.py) and the events wait in the inbox, attempts untouched.
        """
        redis_client = self.consumer.redis
        lease = Lease(redis_client, keys.INGEST_LEASE, self.lease_s, self.max_hold_s)
        with lease as held:
            if not held:
                stats.incr(redis_client, "ingest:lease_busy")
                return 0
            if not self._odoo_answers():
                return 0
            self.consumer.ensure_group()
            self.consumer.prune_consumers()
            self.consumer.promote_due()
            handled, deadline = 0, time.monotonic() + budget_s
            while time.monotonic() < deadline and not lease.lost:
                events = self.consumer.read(self.batch_size * self.lanes)
                if not events:
                    break
                self.process(events)
                handled += len(events)
                if self._odoo_away.is_set():
                    break  # the breaker is open: held until a probe finds Odoo again
            return handled

    def _odoo_answers(self) -> bool:
        """Closed breaker, or open with a probe due that Odoo answers (then closed)."""
        outage = self.breaker.outage()
        if outage is None:
            return True
        redis_client = self.consumer.redis
        if time.time() * 1000 < outage.probe_at_ms:
            stats.incr(redis_client, "ingest:held")
            return False
        try:
            self.odoo.ping()
        except OdooUnavailable as exc:
            self.breaker.trip(str(exc))
            stats.incr(redis_client, "odoo:unavailable")
            log.warning("Odoo still cannot be used (%.0f s): %s", outage.held_s(), exc)
            return False
        except OdooError as exc:  # it answered: the calls themselves will tell
            log.info("Odoo answers the probe with an error: %s", exc)
        self.breaker.close()
        stats.incr(redis_client, "odoo:back")
        log.warning("Odoo answers again after %.0f s; the inbox drains", outage.held_s())
        return True

    def process(self, events: list[InboxEvent]) -> None:
        self._odoo_away.clear()
        by_kind: dict[str, list[InboxEvent]] = {}
        for event in events:
            by_kind.setdefault(event.kind, []).append(event)
        orders, redundant = self.versions.fresh(by_kind.pop("order", []))
        if redundant:
            # Older versions read with a newer one, copies of a version Odoo answered for.
            stats.incr(self.consumer.redis, "ingested:order:redundant", len(redundant))
            self.consumer.ack(redundant)
        lanes = split_by_skus(orders, self.lanes)
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
        self.versions.remember(
            [(event, result.get("status")) for event, result in zip(events, results, strict=True)]
        )
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
        """One Odoo call for the batch, one result per payload; None when the call failed:
        Odoo unusable -> the events are parked and the breaker opens (their attempts are
        not spent); Odoo answered an error -> every event goes to the retry set (Odoo's
        methods are idempotent)."""
        if self._odoo_away.is_set():  # another call of this batch found Odoo away
            self.consumer.park(events)
            return None
        try:
            results = getattr(self.odoo, method)(payloads)
            if not isinstance(results, list) or len(results) != len(payloads):
                raise OdooError(f"{method} answered {len(results or [])} for {len(payloads)}")
        except OdooUnavailable as exc:
            self._odoo_away.set()
            self.consumer.park(events)
            self.breaker.trip(str(exc))
            stats.incr(self.consumer.redis, "odoo:unavailable")
            stats.incr(self.consumer.redis, f"held:{events[0].kind}", len(events))
            log.warning("Odoo cannot be used; %d events wait in the inbox: %s", len(events), exc)
            return None
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
