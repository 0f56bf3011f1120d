"""Prometheus metrics of the checkout (exposed with the service's at ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

RESERVATIONS = Counter(
    "oms_checkout_reservations_total",
    "Reservation attempts by outcome (created, repeated, insufficient_stock, unknown_sku, ...)",
    ["channel", "outcome"],
)
HOLDS_CONVERTED = Counter(
    "oms_checkout_holds_converted_total",
    "Conversions of holds into Odoo orders by the hold's state before (active, expired, ...)",
    ["channel", "before"],
)
STOCK_EVENTS = Counter(
    "oms_checkout_stock_events_total",
    "Outbox stock.changed events by result (applied, duplicate_or_old, foreign_node)",
    ["channel", "result"],
)
REBUILDS = Counter(
    "oms_checkout_rebuilds_total", "Projection rebuilds by status", ["channel", "status"]
)
PROJECTION_SKUS = Gauge(
    "oms_checkout_projection_skus", "SKUs in the channel's projection after its last rebuild",
    ["channel"], multiprocess_mode="mostrecent",
)  # fmt: skip
