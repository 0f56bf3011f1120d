"""Scaling: where each part of the stack saturates at 10x and 100x today's load (docs/scaling.md).

`python -m bench scaling [--quick] [--no-write]`

Two parts, both written between the markers of docs/scaling.md:

1. **Simulated**: the ingest lanes. The sync service's real ``split_by_skus`` splits drains of
   orders shaped like the sync bench's (two distinct SKUs from a 1,000-SKU catalog by Zipf
   popularity, exponent 1.0, the same generator) into 2-16 lanes; orders sharing a SKU stay in
   one lane, so the largest lane is the drain's critical path. Reported: its share of the
   batch, and the parallelism the lanes really give (batch / largest lane).
2. **Calculated**: the CPU each part needs at 1x, 10x and 100x of today's load, from the
   per-unit costs measured in docs/benchmarks.md (constants below, each with its source) and a
   stated load profile. Nothing here is measured by this run except the lane split.
"""

from __future__ import annotations

import argparse
import statistics

import orjson

from bench import REPO_ROOT, machine_summary, write_section
from bench.sync_bench import catalog_skus
from sync_service.inbox.consumer import InboxEvent
from sync_service.worker.ingest import split_by_skus

SCALING_MD = REPO_ROOT / "docs" / "scaling.md"

# Measured (docs/benchmarks.md, "Sync service": sustained 20 orders/s on 2 cores, 1,200 orders).
ODOO_CPU_MS_PER_ORDER = 58.1
PG_CPU_MS_PER_ORDER = 23.6
# Measured (same section): webhook acceptance, server CPU per accepted event, Redis's share.
API_CPU_US_PER_EVENT = 277 - 43
REDIS_CPU_US_PER_EVENT = 43
# Measured (docs/benchmarks.md, "Checkout APIs", wrk, 4 connections): a 5-SKU cart availability.
CHECKOUT_API_CPU_MS = 0.135
CHECKOUT_REDIS_CPU_MS = 0.029
# Today's load: the rate the sync bench sustains with p99 ~1 s (20 orders/s) and an assumed
# profile per order (stated in docs/scaling.md): webhook events and checkout calls.
TODAY_ORDERS_PER_S = 20
EVENTS_PER_ORDER = 5  # order created, paid, fulfilled, two tracking scans
CHECKOUT_CALLS_PER_ORDER = 50  # availability / promise calls while shoppers browse
BATCH = 25  # OMS_INGEST_BATCH_SIZE: a drain reads batch x lanes events at a time


def lane_split(lanes: int, drains: int) -> tuple[float, float]:
    """(mean share of the largest lane, mean parallelism) over ``drains`` simulated drains."""
    shares, speedups = [], []
    size = BATCH * lanes
    for drain in range(drains):
        skus = catalog_skus(size, drain * size, 1000, 1.0)
        events = [
            InboxEvent(f"{drain}-{n}", {"data": orjson.dumps({
                "channel": "webshop", "external_id": f"{drain}-{n}",
                "lines": [{"sku": sku} for sku in pair]})})
            for n, pair in enumerate(skus)
        ]  # fmt: skip
        largest = max(len(group) for group in split_by_skus(events, lanes))
        shares.append(largest / size)
        speedups.append(size / largest)
    return statistics.mean(shares), statistics.mean(speedups)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scaling")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    drains = 20 if args.quick else 200
    machine = machine_summary()
    per_order_s = (ODOO_CPU_MS_PER_ORDER + PG_CPU_MS_PER_ORDER) / 1000
    lane_rate = 1 / per_order_s  # one lane: one Odoo call at a time, its queries in between

    lines = [
        f"Simulated {machine['date']} on commit {machine['commit']} (`python -m bench scaling"
        f"{' --quick' if args.quick else ''}`, {drains} drains per row): the real "
        "`split_by_skus` on the sync bench's orders. *Calculated* columns assume a core of Odoo "
        f"per lane and {ODOO_CPU_MS_PER_ORDER} + {PG_CPU_MS_PER_ORDER} ms of Odoo and "
        f"PostgreSQL CPU per order (measured), so one lane confirms at most {lane_rate:.1f} "
        "orders/s.",
        "",
        "| lanes | orders per drain | largest lane, share (simulated) | parallelism "
        "(simulated) | drain, orders/s (calculated) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for lanes in (1, 2, 4, 8, 16):
        share, speedup = lane_split(lanes, drains) if lanes > 1 else (1.0, 1.0)
        lines.append(f"| {lanes} | {BATCH * lanes} | {share:.0%} | {speedup:.2f} | "
                     f"{speedup * lane_rate:.0f} |")  # fmt: skip
    lines += [
        "",
        "CPU cores each part needs (*calculated* from the measured per-unit costs; today = "
        f"{TODAY_ORDERS_PER_S} orders/s at peak, {EVENTS_PER_ORDER} webhook events and "
        f"{CHECKOUT_CALLS_PER_ORDER} checkout calls per order, an assumed profile):",
        "",
        "| part | cost per unit (measured) | 1x | 10x | 100x |",
        "|---|---|---:|---:|---:|",
    ]
    parts = [
        ("Odoo (intake: create, route, confirm)", f"{ODOO_CPU_MS_PER_ORDER} ms / order",
         ODOO_CPU_MS_PER_ORDER / 1000),
        ("PostgreSQL (the same orders)", f"{PG_CPU_MS_PER_ORDER} ms / order",
         PG_CPU_MS_PER_ORDER / 1000),
        ("sync api: webhooks", f"{API_CPU_US_PER_EVENT} µs / event",
         API_CPU_US_PER_EVENT / 1e6 * EVENTS_PER_ORDER),
        ("sync api: checkout", f"{CHECKOUT_API_CPU_MS} ms / call",
         CHECKOUT_API_CPU_MS / 1000 * CHECKOUT_CALLS_PER_ORDER),
        ("Redis (inbox + checkout scripts)",
         f"{REDIS_CPU_US_PER_EVENT} µs / event, {CHECKOUT_REDIS_CPU_MS * 1000:.0f} µs / call",
         REDIS_CPU_US_PER_EVENT / 1e6 * EVENTS_PER_ORDER
         + CHECKOUT_REDIS_CPU_MS / 1000 * CHECKOUT_CALLS_PER_ORDER),
    ]  # fmt: skip
    for name, cost, cores_per_order_s in parts:
        cells = [f"{cores_per_order_s * TODAY_ORDERS_PER_S * k:.2f}" for k in (1, 10, 100)]
        lines.append(f"| {name} | {cost} | {' | '.join(cells)} |")
    text = "\n".join(lines)
    print(text)
    if not (args.quick or args.no_write):
        write_section("scaling", text, SCALING_MD)
        print("  written to docs/scaling.md")
    return 0
