"""Prometheus metrics of the sync service (exposed at ``/metrics``)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

WEBHOOKS_IN = Counter(
    "oms_webhooks_received_total", "Webhook deliveries received", ["source", "provider"]
)
WEBHOOKS_ACCEPTED = Counter(
    "oms_webhooks_accepted_total", "Webhook deliveries stored in the inbox", ["source", "provider"]
)
WEBHOOKS_DUPLICATE = Counter(
    "oms_webhooks_duplicate_total",
    "Webhook deliveries already seen (answered 2xx, dropped)",
    ["source", "provider"],
)
WEBHOOKS_STALE = Counter(
    "oms_webhooks_stale_total",
    "Redeliveries older than an accepted version (2xx, dropped)",
    ["source", "provider"],
)
WEBHOOKS_REJECTED = Counter(
    "oms_webhooks_rejected_total", "Webhook deliveries refused", ["source", "provider", "reason"]
)
OUTBOX_PUSHED = Counter(
    "oms_outbox_pushed_total", "Outbox events pushed to shops", ["topic", "provider", "result"]
)
OUTBOX_CURSOR = Gauge("oms_outbox_cursor", "Last acknowledged Odoo outbox id")
ODOO_CALL_SECONDS = Histogram(
    "oms_odoo_call_seconds", "Duration of JSON-RPC calls to Odoo", ["model", "method"]
)


class _Snapshot:
    """A collector over numbers already read from Redis (for one scrape)."""

    def __init__(self, families) -> None:
        self._families = families

    def collect(self):
        return self._families


async def shared_metrics(redis) -> bytes:
    """What workers and the inbox hold in Redis: totals over every process, lag, dead letters.

    Returns the exposition text (empty when Redis is down: the scrape still answers).
    """
    from sync_service.inbox import keys
    from sync_service.outbound import keys as out_keys
    from sync_service.stats import STATS

    try:
        pipe = redis.pipeline(transaction=False)
        pipe.hgetall(STATS)
        pipe.xlen(keys.STREAM)
        pipe.zcard(keys.RETRY)
        pipe.xlen(keys.DEAD)
        pipe.xlen(out_keys.DEAD)
        pipe.xrange(keys.STREAM, count=1)
        counters, pending, retries, dead, push_dead, first = await pipe.execute()
    except Exception:
        return b""
    ingested = CounterMetricFamily(
        "oms_worker_events", "Worker outcomes over all processes", labels=["outcome"]
    )
    for field, value in sorted(counters.items()):
        ingested.add_metric([field.decode()], float(value))
    lag = GaugeMetricFamily("oms_inbox_lag", "Inbox events waiting", labels=["where"])
    lag.add_metric(["stream"], pending)
    lag.add_metric(["retry"], retries)
    dead_letters = GaugeMetricFamily(
        "oms_dead_letters", "Dead letters waiting for an operator", labels=["side"]
    )
    dead_letters.add_metric(["inbox"], dead)
    dead_letters.add_metric(["outbox"], push_dead)
    age = GaugeMetricFamily("oms_inbox_oldest_age_seconds", "Age of the oldest inbox event")
    age.add_metric(
        [], max(0.0, time.time() - int(first[0][0].split(b"-")[0]) / 1000) if first else 0.0
    )
    registry = CollectorRegistry()
    registry.register(_Snapshot([ingested, lag, dead_letters, age]))
    return generate_latest(registry)
