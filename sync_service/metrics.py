"""Prometheus metrics of the sync service (exposed at ``/metrics``)."""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

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
OUTBOX_CURSOR = Gauge(
    "oms_outbox_cursor", "Last acknowledged Odoo outbox id", multiprocess_mode="max"
)
ODOO_CALL_SECONDS = Histogram(
    "oms_odoo_call_seconds", "Duration of JSON-RPC calls to Odoo", ["model", "method"]
)


def process_metrics() -> bytes:
    """The exposition text of what the API processes counted.

    One process: its own registry. Several (``--workers``, see ``prepare_multiprocess``):
    each process writes its figures to a file in ``PROMETHEUS_MULTIPROC_DIR`` and any of
    them adds them all up here, so a scrape says the same whichever process answers it.
    """
    folder = os.environ.get(MULTIPROCESS_DIR)
    if not folder:
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)
    return generate_latest(registry)


def prepare_multiprocess(folder: str) -> str:
    """Make ``folder`` the API processes' shared metrics directory, emptied first: the files
    of an earlier run would count again. Call it before the processes start (the figures'
    storage is chosen when ``prometheus_client`` is imported)."""
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))
    os.environ[MULTIPROCESS_DIR] = folder
    return folder


class _Snapshot:
    """A collector over numbers already read from Redis (for one scrape)."""

    def __init__(self, families) -> None:
        self._families = families

    def collect(self):
        return self._families


async def shared_metrics(redis, settings) -> bytes:
    """What workers and the inbox hold in Redis: totals over every process, lag, dead letters,
    how long the drain has been held for Odoo, and the alerts (sync_service/alerts.py).

    Returns the exposition text (empty when Redis is down: the scrape still answers).
    """
    from sync_service.alerts import ALERTS, alerts, read_state

    try:
        state = await read_state(redis)
    except Exception:
        return b""
    ingested = CounterMetricFamily(
        "oms_worker_events", "Worker outcomes over all processes", labels=["outcome"]
    )
    for field, value in sorted(state.counters.items()):
        ingested.add_metric([field.decode()], float(value))
    lag = GaugeMetricFamily("oms_inbox_lag", "Inbox events waiting", labels=["where"])
    lag.add_metric(["stream"], state.waiting)
    lag.add_metric(["retry"], state.retrying)
    dead_letters = GaugeMetricFamily(
        "oms_dead_letters", "Dead letters waiting for an operator", labels=["side"]
    )
    dead_letters.add_metric(["inbox"], state.dead_inbox)
    dead_letters.add_metric(["outbox"], state.dead_outbox)
    age = GaugeMetricFamily("oms_inbox_oldest_age_seconds", "Age of the oldest inbox event")
    age.add_metric([], state.oldest_s)
    held = GaugeMetricFamily(
        "oms_odoo_unreachable_seconds",
        "How long the ingest drain has been held because Odoo cannot be used (0: it answers)",
    )
    held.add_metric([], state.outage.held_s() if state.outage else 0.0)
    raised = {alert["alert"] for alert in alerts(state, settings)}
    alert = GaugeMetricFamily(
        "oms_alert", "1 when this needs a person (see /health for the words)", labels=["alert"]
    )
    for name in ALERTS:
        alert.add_metric([name], 1.0 if name in raised else 0.0)
    registry = CollectorRegistry()
    registry.register(_Snapshot([ingested, lag, dead_letters, age, held, alert]))
    return generate_latest(registry)
