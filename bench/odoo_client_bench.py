"""Odoo clients: odoorpc against the sync service's own client, on the real Odoo of `make run`.

`python -m bench odoo_client [--quick] [--calls=N] [--orders=N] [--batch=N] [--no-write]`

Starts the product the way `make run` does without Docker (tools/run.sh on free ports, the
demo database of .run/ or OMS_RUN_DIR) and, in one process, with the two clients alternating
block by block so that both see the same machine:

1. a small call, the one beat makes every second: ``oms.outbox.event.fetch_since`` past the end
   of the outbox, limit 1 (`--calls` each, 300; 60 with --quick): ms per call;
2. order intake, ``oms.intake.ingest_orders``, three ways in turn: odoorpc one order per call
   (as a script calling a method per order would), odoorpc with `--batch` orders per call, and
   the service's ``JsonRpcOdoo`` with as many (25, the service's OMS_INGEST_BATCH_SIZE)
   (`--orders` each, 75; 25 with --quick): orders per second, one lane.

Both log in as the integration user oms_sync: the service's client with its API key on
``/jsonrpc``, odoorpc through the web session, which takes a password only (Odoo takes API keys
only on the RPC endpoints): the bench gives oms_sync a random password for the run and an
empty one after (Odoo refuses an empty password: API-key-only again). Every order is one
unit of the demo's best-stocked product, its own shop order id; all are cancelled again at
the end. Writes its section of docs/benchmarks.md unless --quick or --no-write.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import statistics
import time
import uuid

import odoorpc

from bench import machine_summary, write_section
from sync_service.config import Settings
from sync_service.inbox.providers import shopify
from sync_service.odoo_client import JsonRpcOdoo
from tools.smoke import RUN_DIR, Stack, answers, wait_for

SKU = "E-COM07"  # the demo's best-stocked product (267 units at install)
ORDER_IDS = itertools.count(int(time.time() * 1000) * 1000)  # a new shop order id each


def canonical_orders(count: int, currency: str, tag: str) -> list[dict]:
    """Canonical orders (docs/contracts.md) made from Shopify orders/create payloads by the
    service's own parser, so both clients send Odoo exactly what the worker would."""
    orders = []
    for n in range(count):
        order_id = next(ORDER_IDS)
        payload = {
            "id": order_id, "name": f"#{tag}{n}", "email": f"bench{n}@example.com",
            "created_at": "2026-12-05T10:00:00Z", "updated_at": "2026-12-05T10:00:00Z",
            "currency": currency, "financial_status": "paid", "total_price": "20.00",
            "shipping_address": {"name": "Bench Buyer", "address1": "Torstr. 120",
                                 "city": "Berlin", "zip": "10119", "country_code": "DE"},
            "line_items": [{"id": 1, "sku": SKU, "quantity": 1, "price": "20.00"}],
        }  # fmt: skip
        headers = {"x-shopify-webhook-id": str(uuid.uuid4()), "x-shopify-topic": "orders/create"}
        orders.append(shopify.parse("webshop", headers, payload).data)
    return orders


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench odoo_client")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--calls", type=int)
    parser.add_argument("--orders", type=int)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    calls = args.calls or (60 if args.quick else 300)
    count = args.orders or (25 if args.quick else 75)  # 3 x 75 < the 267 units in stock
    block = min(args.batch, count)

    stack = Stack()
    admin, sync_uid = None, None
    try:
        wait_for("Odoo and the api answering",
                 lambda: answers("POST", f"{stack.url('ODOO')}/web/webclient/version_info",
                                 json={}), 1800, stack)  # fmt: skip
        key = (RUN_DIR / "sync-api-key").read_text().strip()
        service = JsonRpcOdoo(Settings(environment="test", odoo_url=stack.url("ODOO"),
                                       odoo_db="oms", odoo_login="oms_sync",
                                       odoo_api_key=key))  # fmt: skip
        admin = odoorpc.ODOO("127.0.0.1", port=stack.ports["ODOO"], timeout=300)
        admin.login("oms", "admin", "admin")
        users = admin.env["res.users"]
        [sync_uid] = users.search([("login", "=", "oms_sync")])
        password = secrets.token_urlsafe(24)
        users.browse(sync_uid).write({"password": password})
        rpc = odoorpc.ODOO("127.0.0.1", port=stack.ports["ODOO"], timeout=300)
        rpc.login("oms", "oms_sync", password)
        currency = admin.env.user.company_id.currency_id.name
        # The service's client with the password instead of the key: what checking an API key
        # (a salted hash, on every call) costs.
        keyless = JsonRpcOdoo(
            Settings(environment="test", odoo_url=stack.url("ODOO"), odoo_db="oms",
                     odoo_login="oms_sync", odoo_api_key=password)
        )  # fmt: skip
        cursor = 2**31 - 1  # past the end of the outbox: the same small answer every time
        for client in (service, keyless):  # warm all: login, registry, caches
            client.fetch_outbox(cursor, limit=1)
        rpc.execute("oms.outbox.event", "fetch_since", cursor, 1)

        small = {"odoorpc": [], "service": [], "keyless": []}
        for _ in range(0, calls, 20):
            for _ in range(20):
                small["odoorpc"].append(
                    timed(rpc.execute, "oms.outbox.event", "fetch_since", cursor, 1)
                )
                small["service"].append(timed(service.fetch_outbox, cursor, 1))
                small["keyless"].append(timed(keyless.fetch_outbox, cursor, 1))
        keyless.close()

        # Each block: the same number of orders three ways, in turn.
        intake = {"odoorpc, 1 per call": 0.0, f"odoorpc, {block} per call": 0.0,
                  f"service, {block} per call": 0.0}  # fmt: skip
        created = []
        ways = list(intake)
        for turn, start in enumerate(range(0, count, block)):
            size = min(block, count - start)
            results = []
            # Each way goes first in turn: none always gets the caches the one before warmed.
            for way in ways[turn % 3 :] + ways[: turn % 3]:
                orders = canonical_orders(size, currency, way[:3].upper())
                began = time.perf_counter()
                if way.startswith("odoorpc, 1 "):
                    for order in orders:
                        results += rpc.execute("oms.intake", "ingest_orders", [order])
                elif way.startswith("odoorpc"):
                    results += rpc.execute("oms.intake", "ingest_orders", orders)
                else:
                    results += service.ingest_orders(orders)
                intake[way] += time.perf_counter() - began
            bad = [r for r in results if r.get("status") != "created"]
            if bad:
                print(f"not created: {bad[:3]}")
                return 1
            created += [r["order_id"] for r in results if r.get("order_id")]
        if created:
            orders = admin.env["sale.order"].with_context(disable_cancel_warning=True)
            orders.browse(created).action_cancel()
        service.close()
    finally:
        if sync_uid:  # the password changes, so the session of the run ends with it
            admin.env["res.users"].browse(sync_uid).write({"password": ""})
        stack.stop()

    ms = {name: [v * 1000 for v in values] for name, values in small.items()}
    rate = {name: count / seconds for name, seconds in intake.items()}
    machine = machine_summary()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "## Odoo clients: odoorpc and the sync service's own",
        "",
        f"Measured {machine['date']} on commit {machine['commit']}, {machine['cpu']}, "
        f"{machine['cores']} cores (load average {load} at the end), Python "
        f"{machine['python']}, odoorpc "
        f"{odoorpc.__version__}; Odoo 18 of `make run` (threaded, one cron thread, PostgreSQL of "
        "its own cluster, the api, worker and beat running beside it). Command: "
        f"`python -m bench odoo_client{' --quick' if args.quick else ''}`. Both clients as "
        "oms_sync, alternating block by block in one process: compare the ratios.",
        "",
        "| call | odoorpc | sync service's client | odoorpc / service |",
        "|---|---:|---:|---:|",
        f"| `fetch_since`, ms per call, median (p90), {calls} each | "
        f"{statistics.median(ms['odoorpc']):.1f} ({percentile(ms['odoorpc'], 0.9):.1f}) | "
        f"{statistics.median(ms['service']):.1f} ({percentile(ms['service'], 0.9):.1f}) | "
        f"{statistics.median(ms['odoorpc']) / statistics.median(ms['service']):.2f}x |",
        f"| the same, the service's client with oms_sync's password instead of its API key | "
        f"| {statistics.median(ms['keyless']):.1f} ({percentile(ms['keyless'], 0.9):.1f}) | |",
    ]
    base = rate.pop(f"service, {block} per call")
    for way, value in rate.items():
        lines.append(f"| `ingest_orders`, orders/s, {way.removeprefix('odoorpc, ')} "
                     f"({count} orders each; the service {block} per call) | {value:.1f} | "
                     f"{base:.1f} | {value / base:.2f}x |")  # fmt: skip
    print("\n".join(lines))
    if not (args.quick or args.no_write):
        write_section("odoo_client", "\n".join(lines))
        print("  written to docs/benchmarks.md")
    return 0
