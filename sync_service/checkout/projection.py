"""The Redis projection of sellable stock per (channel, SKU, node).

Layout (channel prefix ``oms:ck:{stock}:c:<channel>:``, all in the stock pool's slot):

- ``gen``: the generation readers use; ``g<gen>:s:<sku>`` hash node -> sellable,
  ``g<gen>:tot`` hash SKU -> channel total (sum of non-negative node figures),
  ``g<gen>:v:<sku>`` hash node -> outbox event id of the figure, ``g<gen>:skus`` /
  ``g<gen>:nodes`` sets.
- ``meta``: ``cursor`` (highest outbox id applied), ``floor`` (events at or below it are in the
  generation's snapshot), ``rebuilt_wm`` (when the last rebuild's export was requested),
  ``building`` during a rebuild.
- the pool's ``meta.wm`` (``oms:ck:{stock}:meta``): Odoo's state up to this time, in our clock,
  is in every projection - it settles converted holds.

Fed two ways. ``apply_stock_changes`` applies outbox ``stock.changed`` events, idempotent by
event id per (sku, node). ``rebuild_projection`` rebuilds a channel from ``export_sellable``
under a new generation and switches readers in one atomic step, replaying the events that
arrived meanwhile, so no reader ever sees half a rebuild.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import orjson

from sync_service.checkout.config import CheckoutSettings
from sync_service.checkout.metrics import PROJECTION_SKUS, REBUILDS, STOCK_EVENTS
from sync_service.checkout.reservations import _s, wall_clock_ms
from sync_service.checkout.scripts import Call, channel_prefix, run_sync

log = logging.getLogger(__name__)

STOCK_CHANGED = "stock.changed"
_WRITE_BATCH = 500


def _odoo_time_ms(value: Any) -> int:
    """Odoo datetimes travel as "YYYY-MM-DD HH:MM:SS" (UTC) or ISO 8601; 0 when absent."""
    if not value:
        return 0
    if isinstance(value, int | float):
        return int(value)
    text = str(value).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def sellable_units(value: Any) -> int:
    """Odoo quantities are floats; a fraction of a unit cannot be sold."""
    return math.floor(float(value) + 1e-9)


def _payload(event: Mapping) -> Mapping:
    payload = event.get("payload") or {}
    return orjson.loads(payload) if isinstance(payload, str | bytes) else payload


def stock_rows(events: Iterable[Mapping], margin_ms: int) -> tuple[dict[str | None, list], int]:
    """stock.changed events as script rows, grouped by channel (None = every channel), and
    the watermark they prove: the newest event's Odoo transaction start minus the margin."""
    rows: dict[str | None, list] = {}
    watermark = 0
    for event in sorted(events, key=lambda e: int(e["id"])):
        created = _odoo_time_ms(event.get("create_date"))
        if created:
            watermark = max(watermark, created - margin_ms)
        if event.get("topic", STOCK_CHANGED) != STOCK_CHANGED:
            continue
        p = _payload(event)
        row = [int(event["id"]), p["sku"], p["warehouse"], sellable_units(p["sellable"])]
        rows.setdefault(event.get("channel_code") or None, []).append(row)
    return rows, watermark


def apply_stock_changes(
    events: Iterable[Mapping],
    *,
    redis,
    settings: CheckoutSettings,
    channels: Iterable[str] | None = None,
    clock: Callable[[], int] = wall_clock_ms,
) -> dict[str, list[int]]:
    """Apply outbox events (any topic; only ``stock.changed`` is used) to the projection.

    For the outbox consumer: pass each fetched batch, in any order, as many times as it is
    redelivered - a figure is only replaced by a newer event id. Only ``channels`` (default:
    those with a checkout API key) are projected: events of other channels are skipped, and
    an event without ``channel_code`` applies to every one of them that sells from its
    warehouse. Returns {channel: [applied, duplicate_or_old, foreign_node]}.
    """
    channels = list(channels if channels is not None else settings.api_keys)
    margin = int(settings.clock_margin_s * 1000)
    result: dict[str, list[int]] = {}
    grouped, watermark = stock_rows(events, margin)
    for target, rows in grouped.items():
        if target and target not in channels:
            continue  # a channel without checkout (POS, a marketplace fed elsewhere)
        for channel in [target] if target else channels:
            call = Call.build(settings, channel, "apply_changes", clock(), orjson.dumps(rows))
            counts = [int(n) for n in run_sync(redis, call)]
            for outcome, n in zip(("applied", "duplicate_or_old", "foreign_node"), counts,
                                  strict=True):  # fmt: skip
                if n:
                    STOCK_EVENTS.labels(channel, outcome).inc(n)
            totals = result.setdefault(channel, [0, 0, 0])
            result[channel] = [a + b for a, b in zip(totals, counts, strict=True)]
    if watermark > 0:  # only now: every channel of the batch has its figures
        run_sync(redis, Call.build(settings, "-", "watermark", clock(), watermark))
    return result


def _group_snapshot(stock: Iterable[Mapping]) -> tuple[dict[str, dict[str, int]], set[str]]:
    per_sku: dict[str, dict[str, int]] = {}
    nodes: set[str] = set()
    for row in stock:
        node = row["warehouse"]
        nodes.add(node)
        figures = per_sku.setdefault(row["sku"], {})
        figures[node] = figures.get(node, 0) + sellable_units(row["sellable"])
    return per_sku, nodes


def _delete_generation(redis, prefix: str, gen: str) -> None:
    g = f"{prefix}g{gen}:"
    batch: list[str] = []
    for sku in redis.sscan_iter(g + "skus", count=1000):
        sku = _s(sku)
        batch += [f"{g}s:{sku}", f"{g}v:{sku}"]
        if len(batch) >= _WRITE_BATCH:
            redis.unlink(*batch)
            batch = []
    redis.unlink(*batch, g + "skus", g + "nodes", g + "tot")


def rebuild_projection(
    channel: str,
    fetch_sellable: Callable[[str], Mapping],
    *,
    redis,
    settings: CheckoutSettings,
    extra_nodes: Iterable[str] = (),
    clock: Callable[[], int] = wall_clock_ms,
) -> dict[str, Any]:
    """Rebuild a channel's projection from ``export_sellable`` and switch readers atomically.

    ``fetch_sellable(channel)`` returns Odoo's ``{"as_of", "stock": [{sku, warehouse,
    sellable}]}``. ``extra_nodes``: nodes the channel sells from that have no stock row
    (e.g. from ``export_network``), so their events are not ignored as foreign.
    """
    prefix = channel_prefix(settings, channel)
    begin = Call.build(settings, channel, "rebuild_begin", clock())
    gen, abandoned = run_sync(redis, begin)
    gen = _s(gen)
    if abandoned is not None:
        log.warning("checkout: abandoning unfinished rebuild g%s of %s", _s(abandoned), channel)
        _delete_generation(redis, prefix, _s(abandoned))
    # Taken before the export is requested: everything Odoo committed before this moment is
    # in the snapshot, whatever Odoo's clock says.
    snapshot_ms = clock()
    snapshot = fetch_sellable(channel)
    per_sku, nodes = _group_snapshot(snapshot.get("stock", []))
    nodes |= set(extra_nodes)
    g = f"{prefix}g{gen}:"
    pipe = redis.pipeline(transaction=False)
    for i, (sku, figures) in enumerate(per_sku.items(), 1):
        pipe.hset(f"{g}s:{sku}", mapping=figures)
        pipe.hset(f"{g}tot", sku, sum(max(v, 0) for v in figures.values()))
        if i % _WRITE_BATCH == 0:
            pipe.execute()
    if per_sku:
        pipe.sadd(g + "skus", *per_sku)
    if nodes:
        pipe.sadd(g + "nodes", *nodes)
    pipe.execute()
    export_cursor = int(snapshot.get("cursor") or 0)
    swap = Call.build(settings, channel, "rebuild_swap", clock(), gen, snapshot_ms, export_cursor)
    reply = run_sync(redis, swap)
    if _s(reply[0]) != "ok":
        log.warning("checkout: rebuild g%s of %s was overtaken by another", gen, channel)
        REBUILDS.labels(channel, "aborted").inc()
        _delete_generation(redis, prefix, gen)
        return {"channel": channel, "status": "aborted", "generation": gen}
    if reply[1] is not None:
        _delete_generation(redis, prefix, _s(reply[1]))
    REBUILDS.labels(channel, "ok").inc()
    PROJECTION_SKUS.labels(channel).set(len(per_sku))
    log.info("checkout: projection of %s rebuilt as g%s: %d SKUs, %d nodes", channel, gen,
             len(per_sku), len(nodes))  # fmt: skip
    return {
        "channel": channel,
        "status": "ok",
        "generation": gen,
        "skus": len(per_sku),
        "nodes": len(nodes),
        "as_of": snapshot.get("as_of"),
    }


def read_projection(channel: str, *, redis, settings: CheckoutSettings) -> dict[str, dict]:
    """The live projection of a channel as {sku: {node: sellable}} (checks and tests)."""
    prefix = channel_prefix(settings, channel)
    gen = redis.get(prefix + "gen")
    if gen is None:
        return {}
    g = f"{prefix}g{_s(gen)}:"
    out: dict[str, dict] = {}
    for sku in redis.sscan_iter(g + "skus", count=1000):
        sku = _s(sku)
        figures = {_s(k): int(v) for k, v in redis.hgetall(f"{g}s:{sku}").items()}
        out[sku] = figures
    return out
