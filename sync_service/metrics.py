"""Prometheus metrics of the sync service (exposed at ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
EVENTS_INGESTED = Counter(
    "oms_events_ingested_total", "Inbox events handed to Odoo, by Odoo's result", ["kind", "result"]
)
EVENTS_RETRIED = Counter("oms_events_retried_total", "Inbox events scheduled for retry", ["kind"])
EVENTS_DEAD = Counter("oms_events_dead_total", "Inbox events dead-lettered", ["kind"])
INBOX_LAG = Gauge("oms_inbox_lag_events", "Inbox events not yet acknowledged by a worker")
INBOX_OLDEST_AGE = Gauge("oms_inbox_oldest_pending_seconds", "Age of the oldest pending event")
OUTBOX_PUSHED = Counter(
    "oms_outbox_pushed_total", "Outbox events pushed to shops", ["topic", "provider", "result"]
)
OUTBOX_CURSOR = Gauge("oms_outbox_cursor", "Last acknowledged Odoo outbox id")
ODOO_CALL_SECONDS = Histogram(
    "oms_odoo_call_seconds", "Duration of JSON-RPC calls to Odoo", ["model", "method"]
)
