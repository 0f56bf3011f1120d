"""Stores in Odoo POS on a real Odoo 18: `python -m bench pos [--quick] [--orders=N] [--db=NAME]`.

A retailer of 20 stores and a DC with 10,000 open orders routed to the stores (500 per store
on average; `--quick`: 1,000). Each product sits at two neighbouring stores, so an order the
first one turns down is routed to the second (or the DC). Then, as store staff call them from
the till, each call its own committed transaction as an RPC would be:

- accept (`oms.store.pos.accept`) of open orders spread over the stores;
- reject and re-route (`oms.store.pos.reject`, reason "Other": no stock correction);
- hand-over (`oms.store.pos.handover`) of click & collect orders picked to the shelf;
- the queue a till loads (`oms.store.order._load_pos_data` as the store's staff) for the
  store with the most open orders.

Each is timed beside a baseline of plain Odoo doing the nearest thing in the same process:
a chatter note on the order (accept), the core's re-route of the same delivery without the
store (reject), Odoo's own validation of an identical hand-over (hand-over), and a plain
search_read of the queue's stored fields (queue). Targets: p99 <= 300 ms per call, queue
<= 1 s. Needs Odoo 18 (see bench/odoo_bench.py for ODOO_PYTHON, ODOO_RC, ODOO_DB_TEMPLATE).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.odoo_bench import _prepare_database, _start_odoo, main_in_odoo

ROOT = Path(__file__).resolve().parents[1]

TARGET_CALL_MS = 300.0
TARGET_QUEUE_MS = 1000.0
STORES = 20
DEFAULT_DB = "oms_bench_pos"


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench pos")
    parser.add_argument("--quick", action="store_true", help="1,000 orders; writes nothing")
    parser.add_argument("--orders", type=int, default=None, help="open orders over the stores")
    parser.add_argument("--calls", type=int, default=None, help="timed calls per kind")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--db", default=os.environ.get("ODOO_BENCH_DB", DEFAULT_DB))
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args, _unknown = parser.parse_known_args(argv)
    if args.orders is None:
        args.orders = 1000 if args.quick else 10000
    if args.calls is None:
        args.calls = 40 if args.quick else 300
    return args


def main(argv: list[str] | None = None) -> int:
    return main_in_odoo(argv, "bench.pos_bench", lambda args: run(_parse(args)), "POS BENCHMARK")


# --------------------------------------------------------------------------- inside Odoo


def _fixtures(env, args):
    """The retailer: a company with a chart (tills need journals), 20 stores, a DC, a
    carrier, 20 products each at two neighbouring stores, a till and a person per store."""
    from odoo import Command

    germany = env.ref("base.de")
    company = env["res.company"].create({"name": "POS Bench Retail", "country_id": germany.id})
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    env.user.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
    env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True))
    env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
    env["stock.warehouse"].search([("company_id", "=", company.id)]).write(
        {"oms_routing_enabled": False}
    )
    shipping = env["product.product"].create({"name": "Bench shipping", "type": "service"})
    env["delivery.carrier"].create(
        {
            "name": "Bench Parcel",
            "product_id": shipping.id,
            "delivery_type": "fixed",
            "company_id": company.id,
            "oms_default_transit_days": -1,
            "oms_zone_ids": [Command.create({"country_id": germany.id, "transit_days": 2})],
        }
    )
    stores = env["stock.warehouse"]
    for n in range(STORES):
        partner = env["res.partner"].create(
            {
                "name": f"Bench Store {n:02d}",
                "zip": f"{10115 + n}",
                "country_id": germany.id,
                "tz": "Europe/Berlin",
            }
        )
        stores |= env["stock.warehouse"].create(
            {
                "name": f"Bench Store {n:02d}",
                "code": f"B{n:02d}",
                "partner_id": partner.id,
                "company_id": company.id,
                "oms_node_kind": "store",
                "oms_ship_from_store": True,
                "oms_pickup_point": True,
                "oms_opening_hour": 0.0,
                "oms_closing_hour": 24.0,
                "oms_working_day_ids": [Command.set(env["oms.weekday"].search([]).ids)],
            }
        )
    dc_partner = env["res.partner"].create(
        {"name": "Bench DC", "zip": "20095", "country_id": germany.id}
    )
    dc = env["stock.warehouse"].create(
        {
            "name": "Bench DC",
            "code": "BDC",
            "partner_id": dc_partner.id,
            "company_id": company.id,
            "oms_priority": 5,
        }
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench item {n:02d}",
                "type": "consu",
                "is_storable": True,
                "weight": 0.5,
                "list_price": 10.0,
                "barcode": f"20000{n:08d}",
            }
            for n in range(STORES)
        ]
    )
    quants = env["stock.quant"]
    for n, product in enumerate(products):
        # The store of the same number first (lowest id when equal), its neighbour next.
        quants._update_available_quantity(product, stores[n].lot_stock_id, 1e6)
        if n + 1 < STORES:
            quants._update_available_quantity(product, stores[n + 1].lot_stock_id, 1e6)
        quants._update_available_quantity(product, dc.lot_stock_id, 1e6)
    channel = env["oms.channel"].create(
        {"name": "Bench web", "code": "bench-web", "company_id": company.id}
    )
    staff = env["res.users"]
    for store in stores:
        staff |= env["res.users"].create(
            {
                "name": f"Staff {store.code}",
                "login": f"bench_staff_{store.code.lower()}",
                "email": f"staff.{store.code.lower()}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "oms_warehouse_ids": [Command.set(store.ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("base.group_user").id,
                            env.ref("point_of_sale.group_pos_user").id,
                            env.ref("oms_omnichannel.group_oms_store_staff").id,
                        ]
                    )
                ],
            }
        )
    return env, company, stores, products, channel, staff


def _customers(env, count):
    germany = env.ref("base.de")
    return env["res.partner"].create(
        [
            {
                "name": f"Bench customer {n}",
                "street": f"Str. {n}",
                "zip": f"{10100 + n % 800}",
                "city": "Berlin",
                "country_id": germany.id,
                "phone": f"+49 30 {1000000 + n}",
            }
            for n in range(count)
        ]
    )


def _create_orders(
    env, company, channel, products, customers, count, rng, pickup_every=0, stores=None
):
    """``count`` orders confirmed (and routed) in committed batches; every
    ``pickup_every``-th is a click & collect order at its product's store."""
    from odoo import Command

    made = []
    started = time.perf_counter()
    for start in range(0, count, 100):
        vals = []
        for n in range(start, min(start + 100, count)):
            index = rng.randrange(len(products))
            pickup = pickup_every and n % pickup_every == 0
            vals.append(
                {
                    "partner_id": customers[n % len(customers)].id,
                    "company_id": company.id,
                    "oms_channel_id": channel.id,
                    "oms_payment_status": "paid",
                    "oms_delivery_mode": "pickup" if pickup else "ship",
                    "oms_pickup_warehouse_id": stores[index].id if pickup else False,
                    "order_line": [
                        Command.create({"product_id": products[index].id, "product_uom_qty": 1})
                    ],
                }
            )
        orders = env["sale.order"].create(vals)
        for order in orders:
            order.action_confirm()
        env.cr.commit()
        env.invalidate_all()
        made.extend(orders.ids)
        done = len(made)
        if done % 1000 == 0 or done == count:
            print(
                f"[pos bench] {done}/{count} orders routed ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    return env["sale.order"].browse(made)


def _timed(env, calls):
    """Milliseconds of each ``call()``, each committed on its own."""
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        env.flush_all()
        env.cr.commit()
        timings.append((time.perf_counter() - started) * 1000.0)
        env.invalidate_all()
    return timings


def _stats(timings):
    ordered = sorted(timings)

    def pct(p):
        return ordered[min(len(ordered) - 1, round(p / 100.0 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": pct(95),
        "p99": pct(99),
        "max": ordered[-1],
    }


def run(args) -> int:
    odoo = _start_odoo(args)
    from odoo import SUPERUSER_ID, api

    rng = random.Random(args.seed)
    print(f"[pos bench] database {args.db}: installing oms_omnichannel_pos ...", flush=True)
    registry = _prepare_database(odoo, args.db, ("oms_omnichannel_pos",))
    result = {"orders": args.orders, "calls": args.calls}
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env, company, stores, products, channel, staff = _fixtures(env, args)
            cr.commit()
            customers = _customers(env, 500)
            cr.commit()
            staff_of = {store.id: user for store, user in zip(stores, staff, strict=True)}
            # The click & collect orders of the hand-over, ready on their store's shelf.
            pickups = _create_orders(
                env,
                company,
                channel,
                products,
                customers,
                args.calls * 2,
                rng,
                pickup_every=1,
                stores=stores,
            )
            Pos = env["oms.store.pos"]
            ready = []
            for order in pickups:
                so = order.oms_store_order_ids.filtered(lambda s: s.state == "new")[:1]
                if not so:
                    continue
                pos = Pos.with_user(staff_of[so.warehouse_id.id])
                pos.accept(so.id)
                pos.pack(so.id, {m.id: m.product_uom_qty for m in so._oms_moves()})
                ready.append(so)
            cr.commit()
            started = time.perf_counter()
            orders = _create_orders(env, company, channel, products, customers, args.orders, rng)
            result["routing_s"] = time.perf_counter() - started
            StoreOrder = env["oms.store.order"]
            open_new = StoreOrder.search(
                [("state", "=", "new"), ("sale_order_id", "in", orders.ids)]
            )
            per_store = {
                store.id: StoreOrder.search_count(
                    [("warehouse_id", "=", store.id), ("state", "in", ("new", "accepted", "ready"))]
                )
                for store in stores
            }
            result["open_total"] = StoreOrder.search_count(
                [("state", "in", ("new", "accepted", "ready"))]
            )
            result["stores_used"] = sum(1 for v in per_store.values() if v)
            busiest = max(per_store, key=per_store.get)
            result["busiest_open"] = per_store[busiest]
            print(
                f"[pos bench] {result['open_total']} open store orders over "
                f"{result['stores_used']} stores; the busiest has {result['busiest_open']}",
                flush=True,
            )

            picked = rng.sample(open_new.ids, args.calls * 4)
            to_accept, to_reject, to_note, to_reroute = (
                StoreOrder.browse(picked[i * args.calls : (i + 1) * args.calls]) for i in range(4)
            )
            reason = env.ref("oms_omnichannel_pos.reject_reason_other")
            # Warm-up: caches, network, rules.
            for so in (
                StoreOrder.browse(open_new.ids[:5]) - to_accept - to_reject - to_note - to_reroute
            ):
                Pos.with_user(staff_of[so.warehouse_id.id]).accept(so.id)
            cr.commit()

            def accept(so):
                return lambda: Pos.with_user(staff_of[so.warehouse_id.id]).accept(
                    so.id, key=f"bench-accept-{so.id}"
                )

            def note(so):
                return lambda: so.sale_order_id.with_user(
                    staff_of[so.warehouse_id.id]
                )._message_log(body="Accepted at the till")

            def reject(so):
                return lambda: Pos.with_user(staff_of[so.warehouse_id.id]).reject(
                    so.id, reason.id, key=f"bench-reject-{so.id}"
                )

            def reroute(so):
                return lambda: so.sale_order_id._oms_reroute(
                    trigger="reroute", excluded_warehouses=so.warehouse_id, pickings=so.picking_id
                )

            timings = {"accept": [], "note": [], "reject": [], "reroute": []}
            # Interleaved in small rounds, so the machine's drift hits call and baseline alike.
            for start in range(0, args.calls, 20):
                part = slice(start, start + 20)
                timings["accept"] += _timed(env, [accept(so) for so in to_accept[part]])
                timings["note"] += _timed(env, [note(so) for so in to_note[part]])
                timings["reject"] += _timed(env, [reject(so) for so in to_reject[part]])
                timings["reroute"] += _timed(env, [reroute(so) for so in to_reroute[part]])
            result["rejected_to"] = _destinations(env, to_reject)

            handover, validate = ready[: len(ready) // 2], ready[len(ready) // 2 :]

            def hand_over(so):
                return lambda: Pos.with_user(staff_of[so.warehouse_id.id]).handover(
                    so.id, "Bench customer", key=f"bench-handover-{so.id}"
                )

            def odoo_validate(so):
                return lambda: (
                    so.picking_id.with_user(staff_of[so.warehouse_id.id])
                    .with_context(
                        skip_backorder=True, picking_ids_not_to_backorder=so.picking_id.ids
                    )
                    .button_validate()
                )

            timings["handover"], timings["validate"] = [], []
            for start in range(0, len(handover), 20):
                part = slice(start, start + 20)
                timings["handover"] += _timed(env, [hand_over(so) for so in handover[part]])
                timings["validate"] += _timed(env, [odoo_validate(so) for so in validate[part]])

            # The queue of the busiest store, as its till loads it.
            store = env["stock.warehouse"].browse(busiest)
            till = env["pos.config"].create(
                {
                    "name": f"Till {store.code}",
                    "company_id": company.id,
                    "picking_type_id": store.pos_type_id.id,
                }
            )
            cr.commit()
            data = {"pos.config": {"data": [{"id": till.id, "company_id": company.id}]}}
            user = staff_of[busiest]
            queue, plain = [], []
            fields_stored = [
                f for f in StoreOrder._load_pos_data_fields(till.id) if StoreOrder._fields[f].store
            ]
            domain = StoreOrder._load_pos_data_domain(data)
            for _round in range(7):
                env.invalidate_all()
                started = time.perf_counter()
                loaded = StoreOrder.with_user(user)._load_pos_data(data)
                json.dumps(loaded, default=str)
                queue.append((time.perf_counter() - started) * 1000.0)
                env.invalidate_all()
                started = time.perf_counter()
                json.dumps(
                    StoreOrder.with_user(user).search_read(domain, fields_stored, load=False),
                    default=str,
                )
                plain.append((time.perf_counter() - started) * 1000.0)
            result["queue_records"] = len(loaded["data"])
            timings["queue"], timings["queue_plain"] = queue[2:], plain[2:]
            result["timings"] = {k: _stats(v) for k, v in timings.items()}
    finally:
        if not args.keep_db:
            from odoo.service import db as db_service

            odoo.modules.registry.Registry.delete(args.db)
            db_service.exp_drop(args.db)
    _report(args, result)
    return 0


def _destinations(env, store_orders):
    """Where the rejected orders went: {kind of node: count}."""
    counts = {}
    for so in store_orders:
        nodes = so.sale_order_id._oms_store_open_nodes()
        kind = nodes[:1].oms_node_kind or "none"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _report(args, r):
    import odoo

    from bench import machine_summary, write_section

    t = r["timings"]
    machine = machine_summary()

    def row(label, key, base=None):
        s = t[key]
        ratio = f"{s['p50'] / t[base]['p50']:.2f}x" if base else ""
        figures = " | ".join(f"{s[k]:.1f}" for k in ("p50", "p95", "p99", "max"))
        return f"| {label} | {s['n']} | {figures} | {ratio} |"

    verdict = {
        key: ("met" if t[key]["p99"] <= TARGET_CALL_MS else "**not met**")
        for key in ("accept", "reject", "handover")
    }
    queue_verdict = "met" if t["queue"]["max"] <= TARGET_QUEUE_MS else "**not met**"
    md = f"""## Stores in Odoo POS: accept, reject and re-route, hand-over, the queue

`python -m bench pos` - {machine["date"]}, {machine["cpu"]}, {machine["cores"]} cores, Python
{machine["python"]}, Odoo {odoo.release.version}, PostgreSQL on the same machine, commit
{machine["commit"]}, seed {args.seed}. {r["orders"]:,} web orders routed to 20 stores and a DC
({r["routing_s"]:.0f} s): {r["open_total"]:,} open store orders over {r["stores_used"]} stores,
the busiest with {r["busiest_open"]}. Each call is made as the store's staff through the POS door
(`oms.store.pos`), its own committed transaction, interleaved in rounds of 20 with its
baseline - plain Odoo doing the nearest thing in the same process.

| call (ms) | n | p50 | p95 | p99 | max | p50 / baseline |
|---|---:|---:|---:|---:|---:|---:|
{row("accept", "accept", "note")}
{row("baseline: a chatter note on the order", "note")}
{row("reject and re-route (reason without stock effect)", "reject", "reroute")}
{row("baseline: the core's re-route of the same delivery", "reroute")}
{row("hand-over (click & collect, paid)", "handover", "validate")}
{row("baseline: Odoo's validation of the same hand-over", "validate")}
{row(f"queue load, {r['queue_records']} open orders (one store's till)", "queue", "queue_plain")}
{row("baseline: search_read of the stored fields", "queue_plain")}

Targets: p99 <= {TARGET_CALL_MS:.0f} ms - accept {verdict["accept"]}, reject and re-route
{verdict["reject"]}, hand-over {verdict["handover"]}; queue load <= {TARGET_QUEUE_MS:.0f} ms
(slowest of 5 warm loads): {queue_verdict}. The rejected orders went on to
{", ".join(f"{count} x {kind}" for kind, count in sorted(r["rejected_to"].items()))} (the
product's neighbouring store, else the DC). An accept writes the store order, its step, a
row in the order's routing history and its chatter note; a reject adds the re-route itself;
a hand-over is Odoo's validation of the delivery plus the store's step and the check of what
is due.
"""
    print(md)
    if not (args.quick or args.no_write):
        write_section("pos", md)


if __name__ == "__main__":
    sys.exit(main())
