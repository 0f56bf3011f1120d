"""Hooks for the sync service's workers and beat: one call each, blocking Redis client.

- outbox consumer, for every fetched batch (before or after pushing it to shops):
  ``on_outbox_batch(events, redis)`` (stock figures, and holds of ``order.accepted``);
- ingest worker, after ``ingest_orders`` answered: ``on_orders_ingested(orders, results,
  redis)`` converts the holds of the orders Odoo accepted;
- beat: ``rebuild_all(gateway, redis)`` every ``rebuild_interval_s`` and
  ``sweep_all(redis)`` every ``sweep_interval_s``.

Nothing here raises for one bad item: a failure is logged and the rest goes on, since the
projection is reconciled by the next rebuild anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from sync_service.checkout import exceptions as exc
from sync_service.checkout.config import CheckoutSettings, get_checkout_settings
from sync_service.checkout.projection import apply_stock_changes, rebuild_projection
from sync_service.checkout.reservations import convert_hold, sweep_holds

log = logging.getLogger(__name__)

ACCEPTED = ("created", "updated", "unchanged")


def on_outbox_batch(
    events: Sequence[Mapping], redis, settings: CheckoutSettings | None = None
) -> dict[str, list[int]]:
    """Apply the batch's ``stock.changed`` events to the checkout projection (idempotent),
    then convert the holds named by its ``order.accepted`` events: a second route to the
    conversion, for when the ingest worker died between Odoo's answer and its own call."""
    settings = settings or get_checkout_settings()
    events = list(events)
    counts = apply_stock_changes(events, redis=redis, settings=settings)
    for event in events:
        if event.get("topic") != "order.accepted":
            continue
        payload = event.get("payload") or {}
        rid = payload.get("reservation_id")
        if rid:
            _convert(
                rid, payload.get("order_name") or str(payload.get("order_id")), redis, settings
            )
    return counts


def _convert(rid: str, ref: str, redis, settings: CheckoutSettings) -> str:
    try:
        return convert_hold(rid, ref, redis=redis, settings=settings)
    except exc.CheckoutError as error:
        log.warning("checkout: hold %s of order %s not converted: %s", rid, ref, error)
        return error.code


def on_orders_ingested(
    orders: Sequence[Mapping],
    results: Sequence[Mapping],
    redis,
    settings: CheckoutSettings | None = None,
) -> dict[str, str]:
    """Convert the hold of every order Odoo accepted that carries a ``reservation_id``.

    ``orders`` are the canonical orders sent, ``results`` Odoo's answers in the same order.
    Returns {reservation_id: state or error code}.
    """
    settings = settings or get_checkout_settings()
    outcome: dict[str, str] = {}
    for order, result in zip(orders, results, strict=True):
        rid = order.get("reservation_id")
        if not rid or result.get("status") not in ACCEPTED:
            continue
        ref = result.get("order_name") or str(result.get("order_id"))
        outcome[rid] = _convert(rid, ref, redis, settings)
    return outcome


def rebuild_all(
    gateway, redis, settings: CheckoutSettings | None = None, channels: Iterable[str] | None = None
) -> list[dict]:
    """Rebuild every checkout channel's projection from Odoo's ``export_sellable``."""
    settings = settings or get_checkout_settings()
    reports = []
    for channel in channels if channels is not None else settings.api_keys:
        try:
            reports.append(rebuild_projection(
                channel, gateway.export_sellable, redis=redis, settings=settings))  # fmt: skip
        except Exception as error:  # the next run retries; readers keep the last generation
            log.warning("checkout: rebuild of %s failed: %s", channel, error)
            reports.append({"channel": channel, "status": "failed", "error": str(error)})
    return reports


def sweep_all(redis, settings: CheckoutSettings | None = None) -> None:
    settings = settings or get_checkout_settings()
    sweep_holds(settings.api_keys, redis=redis, settings=settings)
