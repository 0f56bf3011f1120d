"""The control tower on a real Odoo 18: `python -m bench tower [--quick] [--db=NAME] [--keep-db]`.

Three measurements, each beside a baseline run in the same process (docs/control_tower.md):

- the cockpit (``oms.tower.dashboard.get_cockpit``, as an OMS manager, record rules applying)
  with 100,000 orders and 50 nodes, against opening Odoo's own order list (the first 80
  orders and their count, as the web client reads them);
- releasing a wave of 2,000 routed orders end to end in Odoo (batch re-optimisation, the
  orders that change planned again, every delivery released, committed), against the
  engine's part alone (one-by-one plans and ``oms_engine.batch.reoptimise`` on the same
  window);
- replaying 10,000 past orders under a changed policy, against routing the same inputs in
  the engine alone.

The wave's orders are routed through Odoo (confirmation, procurements, reservations); the
history behind the cockpit and the replay is written with SQL (orders, deliveries, moves,
decisions with their recorded engine input), since routing 100,000 orders through the ORM
would take hours and measures something else (``bench odoo`` does).

Needs Odoo 18 importable (or ``ODOO_PYTHON``; ``ODOO_RC`` for the database connection),
like ``bench odoo``; without Odoo it says it was skipped and exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.odoo_bench import _prepare_database, _start_odoo, main_in_odoo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "oms_bench_tower"
TARGETS = {"cockpit": 1.0, "wave": 10.0, "replay": 30.0}


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench tower")
    parser.add_argument("--quick", action="store_true", help="small figures; writes nothing")
    parser.add_argument("--db", default=os.environ.get("ODOO_BENCH_TOWER_DB", DEFAULT_DB))
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args, _unknown = parser.parse_known_args(argv)
    args.orders = 5_000 if args.quick else 100_000
    args.nodes = 10 if args.quick else 50
    args.wave = 100 if args.quick else 2_000
    args.replay = 500 if args.quick else 10_000
    return args


def main(argv: list[str] | None = None) -> int:
    return main_in_odoo(
        argv, "bench.tower_bench", lambda args: run(_parse(args)), "TOWER BENCHMARK"
    )


# --------------------------------------------------------------------------- inside Odoo


def _fixtures(env, n_nodes):
    """A company with ``n_nodes`` DCs across Germany, a parcel carrier, 40 products with
    stock at every node, three channels and an OMS manager."""
    from odoo import Command

    rng = random.Random(17)
    germany = env.ref("base.de")
    company = env["res.company"].create({"name": "Tower Bench Retail", "country_id": germany.id})
    env.user.write({"company_ids": [Command.link(company.id)]})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
    env["stock.warehouse"].search([("company_id", "=", company.id)]).write(
        {"oms_routing_enabled": False, "name": "Tower Home"}
    )
    addresses = env["res.partner"].create(
        [
            {
                "name": f"Node {i:02d}",
                "zip": f"{10000 + i * 1700:05d}",
                "country_id": germany.id,
                "tz": "Europe/Berlin",
            }
            for i in range(n_nodes)
        ]
    )
    nodes = env["stock.warehouse"].create(
        [
            {
                "name": f"DC {i:02d}",
                "code": f"N{i:02d}",
                "partner_id": address.id,
                "company_id": company.id,
                "oms_handling_cost": 1.0 + (i % 5) * 0.5,
                "oms_priority": i % 3,
            }
            for i, address in enumerate(addresses)
        ]
    )
    shipping = env["product.product"].create(
        {"name": "Shipping", "type": "service", "company_id": company.id}
    )
    carrier = env["delivery.carrier"].create(
        {
            "name": "Tower Parcel",
            "product_id": shipping.id,
            "delivery_type": "fixed",
            "company_id": company.id,
            "oms_cost_per_package": 4.5,
            "oms_default_transit_days": 2,
        }
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Article {i:02d}",
                "type": "consu",
                "is_storable": True,
                "weight": 0.5,
                "default_code": f"ART-{i:02d}",
            }
            for i in range(40)
        ]
    )
    quants = env["stock.quant"]
    for node in nodes:
        for product in products:
            quants._update_available_quantity(product, node.lot_stock_id, rng.randint(20, 200))
    channels = env["oms.channel"].create(
        [
            {"name": name, "code": code, "company_id": company.id}
            for name, code in (("Web shop", "web"), ("Marketplace", "market"), ("Phone", "phone"))
        ]
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"Customer {i}",
                "zip": f"{10115 + i * 811 % 89000:05d}",
                "country_id": germany.id,
            }
            for i in range(200)
        ]
    )
    manager = env["res.users"].create(
        {
            "name": "Tower Manager",
            "login": "tower_bench_manager",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set([env.ref("oms_omnichannel.group_oms_manager").id])],
        }
    )
    return env, company, nodes, carrier, products, channels, customers, manager


def _history(env, company, nodes, carrier, products, channels, customers, n_orders):
    """``n_orders`` orders over the last 90 days, written with SQL: one delivery and one
    move each; the last three days' deliveries partly open, older ones shipped."""
    cr = env.cr
    env.flush_all()
    out_types = [node.out_type_id.id for node in nodes]
    stock_locations = [node.lot_stock_id.id for node in nodes]
    customer_location = env.ref("stock.stock_location_customers").id
    currency = company.currency_id.id
    uom = env.ref("uom.product_uom_unit").id
    params = {
        "n": n_orders,
        "company": company.id,
        "currency": currency,
        "uom": uom,
        "customers": customers.ids,
        "channels": channels.ids,
        "types": out_types,
        "locations": stock_locations,
        "customer_location": customer_location,
        "products": products.ids,
        "carrier": carrier.id,
        "uid": env.uid,
    }
    cr.execute(
        """
        CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
        SELECT g AS n,
               now() at time zone 'UTC' - (g::float / %(n)s * interval '90 days') AS placed,
               (%(customers)s::int[])[1 + g %% array_length(%(customers)s::int[], 1)] AS partner,
               (%(channels)s::int[])[1 + g %% 3] AS channel,
               1 + (g * 7) %% array_length(%(types)s::int[], 1) AS node,
               (%(products)s::int[])[1 + (g * 13) %% array_length(%(products)s::int[], 1)]
                   AS product
          FROM generate_series(1, %(n)s) g;
        INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                                company_id, date_order, state, oms_channel_id,
                                oms_routing_state, oms_delivery_mode, oms_service_level,
                                picking_policy, currency_id, amount_total,
                                oms_payment_status, create_date, write_date, create_uid,
                                write_uid)
        SELECT 'HIST' || lpad(n::text, 7, '0'), partner, partner, partner, %(company)s, placed,
               CASE WHEN n %% 97 = 0 THEN 'cancel' ELSE 'sale' END, channel,
               CASE WHEN n %% 97 = 0 THEN 'cancel' WHEN n %% 53 = 0 THEN 'hold'
                    WHEN n %% 41 = 0 THEN 'backorder' ELSE 'routed' END,
               'ship', 'standard', 'direct', %(currency)s, 20 + n %% 180,
               CASE WHEN n %% 11 = 0 THEN 'pending' ELSE 'paid' END,
               placed, placed, %(uid)s, %(uid)s
          FROM bench_orders;
        INSERT INTO stock_picking (name, picking_type_id, location_id, location_dest_id,
                                   move_type, state, sale_id, partner_id, company_id,
                                   oms_shipment_kind, oms_promised_date, scheduled_date,
                                   date_done, carrier_id, oms_tracking_status, create_date,
                                   write_date, create_uid, write_uid)
        SELECT 'HIST/OUT/' || lpad(b.n::text, 7, '0'), (%(types)s::int[])[b.node],
               (%(locations)s::int[])[b.node], %(customer_location)s, 'direct',
               CASE WHEN b.placed > now() at time zone 'UTC' - interval '3 days'
                         AND b.n %% 3 = 0 THEN 'assigned' ELSE 'done' END,
               o.id, b.partner, %(company)s, 'ship', b.placed + interval '3 days',
               b.placed + interval '1 day',
               CASE WHEN b.placed > now() at time zone 'UTC' - interval '3 days'
                         AND b.n %% 3 = 0 THEN NULL ELSE b.placed + interval '1 day' END,
               %(carrier)s,
               CASE WHEN b.placed > now() at time zone 'UTC' - interval '5 days'
                    THEN 'in_transit' ELSE 'delivered' END,
               b.placed, b.placed, %(uid)s, %(uid)s
          FROM bench_orders b JOIN sale_order o ON o.name = 'HIST' || lpad(b.n::text, 7, '0')
         WHERE o.state = 'sale';
        INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty,
                                quantity, location_id, location_dest_id, company_id, date,
                                state, picking_id, procure_method, picked, picking_type_id,
                                create_date, write_date, create_uid, write_uid)
        SELECT 'history', b.product, %(uom)s, 1, 1, 1, p.location_id, p.location_dest_id,
               %(company)s, b.placed, p.state, p.id, 'make_to_stock', p.state = 'done',
               p.picking_type_id, b.placed, b.placed, %(uid)s, %(uid)s
          FROM bench_orders b
          JOIN stock_picking p ON p.name = 'HIST/OUT/' || lpad(b.n::text, 7, '0');
        """,
        params,
    )
    cr.execute("ANALYZE sale_order; ANALYZE stock_picking; ANALYZE stock_move")
    env.invalidate_all()


def _seconds(fn, repeat):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return timings


def _measure_cockpit(env, manager, repeat):
    """(cockpit seconds, order list seconds), both as the OMS manager."""
    as_manager = env(user=manager.id, su=False)
    Dashboard = as_manager["oms.tower.dashboard"]
    Order = as_manager["sale.order"]
    spec = {
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "date_order": {},
        "amount_total": {},
        "state": {},
        "oms_routing_state": {},
    }

    def cockpit():
        Dashboard.get_cockpit()
        env.invalidate_all()

    def order_list():
        Order.web_search_read([], spec, limit=80, count_limit=10001)
        env.invalidate_all()

    cockpit()  # warm-up: compiled queries, caches
    order_list()
    rounds = {"cockpit": [], "list": []}
    for _ in range(repeat):  # alternate, so drift of the machine hits both alike
        rounds["cockpit"] += _seconds(cockpit, 1)
        rounds["list"] += _seconds(order_list, 1)
    return rounds


def _wave_orders(env, company, nodes, products, customers, count):
    """``count`` routed orders competing for scarce stock, held in one wave."""
    from odoo import Command

    rng = random.Random(42)
    nodes.write({"oms_wave_release": True})
    scarce = products[:10]
    quants = env["stock.quant"]
    # A launch: the scarce products at one node in five only, so that as the wave fills up
    # the nodes holding an order's products together run out and later orders split - what
    # deciding the wave together can undo. About as many units (~4,250) as the orders buy
    # (~4,000): every order is routed into the wave. (With 0-8 units at every node, half of
    # the orders waited for stock and the "2,000-order" wave held 1,018; with 4-16 at every
    # node no order split and the batch had nothing to do.)
    for index, node in enumerate(nodes):
        for product in scarce:
            quant = quants.search(
                [("product_id", "=", product.id), ("location_id", "=", node.lot_stock_id.id)]
            )
            quant.sudo().quantity = rng.randint(25, 60) if index % 5 == 0 else 0
    orders = env["sale.order"]
    for start in range(0, count, 100):
        batch = env["sale.order"].create(
            [
                {
                    "partner_id": rng.choice(customers).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                        for product in rng.sample(list(scarce), rng.randint(1, 3))
                    ],
                }
                for _ in range(min(100, count - start))
            ]
        )
        for order in batch:
            order.action_confirm()
        env.cr.commit()
        orders |= batch
        print(f"  wave: {len(orders)} orders routed", flush=True)
    return orders


def _measure_wave(env, company, orders):
    """(end-to-end seconds, engine seconds, wave) of releasing the orders' wave."""
    from odoo.addons.oms_control_tower.models.oms_wave import WaveWindow

    waiting = orders.picking_ids.filtered(lambda p: p.oms_wave_state == "waiting")
    wave = waiting.oms_wave_id
    # The engine's part alone, on the same window (rolled back: nothing applied).
    started = time.perf_counter()
    window = WaveWindow(wave, waiting)
    prepared = time.perf_counter()
    for policy, policy_orders in window.by_policy():
        window.decide(policy, policy_orders)
    engine_seconds = time.perf_counter() - prepared
    read_seconds = prepared - started
    env.cr.rollback()
    env.invalidate_all()
    started = time.perf_counter()
    wave._release()
    env.flush_all()
    env.cr.commit()
    return time.perf_counter() - started, engine_seconds, read_seconds, wave


def _replay_inputs(env, company, nodes, products, count, rng):
    """``count`` decisions of the history with what the engine was asked (SQL), and the
    seconds the engine alone takes to route them: the replay's baseline."""
    from datetime import timedelta, timezone

    from odoo import fields
    from odoo.addons.oms_control_tower.models.engine_json import order_to_json
    from odoo.addons.oms_control_tower.models.oms_router import _plan_figures

    import oms_engine as engine

    network_model = env["oms.network"]
    policy = env["oms.sourcing.policy"]._get_default_policy()
    network = network_model._get_network(company, policy)
    network_model._ensure_products(network, products)
    codes = [network_model._node_id(node) for node in nodes]
    order_ids = (
        env["sale.order"]
        .search(
            [("company_id", "=", company.id), ("name", "=like", "HIST%"), ("state", "=", "sale")],
            limit=count,
            order="date_order desc",
        )
        .ids
    )
    now = fields.Datetime.now().replace(tzinfo=timezone.utc)
    inputs = []
    for i, order_id in enumerate(order_ids):
        lines = rng.sample(list(products), rng.randint(1, 3))
        order = engine.Order(
            id=str(order_id),
            lines=tuple(engine.OrderLine(sku=str(p.id), quantity=rng.randint(1, 2)) for p in lines),
            destination=engine.Destination(
                country="DE", postal_code=f"{10115 + i * 37 % 89000:05d}"
            ),
            order_time=now - timedelta(minutes=i),
        )
        stock = {
            str(p.id): {code: rng.randint(0, 4) for code in rng.sample(codes, 12)} for p in lines
        }
        inputs.append((order_id, order, stock))
    started = time.perf_counter()
    plans = [engine.route(network, order, stock, explain=False) for _id, order, stock in inputs]
    engine_seconds = time.perf_counter() - started
    import json

    rows = [
        (
            order_id,
            policy.id,
            company.id,
            json.dumps(
                {
                    "order": order_to_json(order),
                    "stock": stock,
                    "disabled": [],
                    "decided": _plan_figures(plan),
                }
            ),
        )
        for (order_id, order, stock), plan in zip(inputs, plans, strict=True)
    ]
    env.cr.executemany(
        """
        INSERT INTO oms_routing_decision (sale_order_id, policy_id, company_id, trigger, status,
                                          is_current, oms_replay_input, create_date, write_date)
        VALUES (%s, %s, %s, 'confirm', 'complete', false, %s::jsonb,
                now() at time zone 'UTC', now() at time zone 'UTC')
        """,
        rows,
    )
    env.cr.commit()
    return engine_seconds, policy


def run(args) -> int:
    odoo = _start_odoo(args)
    from odoo import SUPERUSER_ID, api

    print(f"[tower bench] database {args.db}: installing oms_control_tower ...", flush=True)
    registry = _prepare_database(odoo, args.db, ("oms_control_tower",))
    r = {"orders": args.orders, "nodes": args.nodes}
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env, company, nodes, carrier, products, channels, customers, manager = _fixtures(
                env, args.nodes
            )
            cr.commit()
            print(f"[tower bench] routing {args.wave} orders into one wave ...", flush=True)
            started = time.perf_counter()
            wave_orders = _wave_orders(env, company, nodes, products, customers, args.wave)
            r["wave_routing_s"] = time.perf_counter() - started
            print("[tower bench] releasing the wave ...", flush=True)
            r["wave_s"], r["wave_engine_s"], r["wave_read_s"], wave = _measure_wave(
                env, company, wave_orders
            )
            r.update(
                wave_orders=wave.order_count,
                wave_changed=wave.changed_count,
                wave_kept=wave.kept_for_promise_count,
                shipments_before=wave.shipments_before,
                shipments_after=wave.shipments_after,
                cost_before=wave.cost_before,
                cost_after=wave.cost_after,
                solver=wave.solver_status,
            )
            nodes.write({"oms_wave_release": False})
            history = args.orders - len(wave_orders)
            print(f"[tower bench] writing {history} orders of history ...", flush=True)
            _history(env, company, nodes, carrier, products, channels, customers, history)
            cr.commit()
            r["total_orders"] = env["sale.order"].search_count([("company_id", "=", company.id)])
            print("[tower bench] cockpit ...", flush=True)
            rounds = _measure_cockpit(env, manager, 3 if args.quick else 7)
            r["cockpit_s"] = statistics.median(rounds["cockpit"])
            r["cockpit_max_s"] = max(rounds["cockpit"])
            r["list_s"] = statistics.median(rounds["list"])
            print(f"[tower bench] replay inputs for {args.replay} orders ...", flush=True)
            rng = random.Random(7)
            r["replay_engine_s"], policy = _replay_inputs(
                env, company, nodes, products, args.replay, rng
            )
            replay = env["oms.policy.replay"].create({"policy_id": policy.id, "days": 1})
            replay.weight_priority = 0.0
            cr.commit()
            started = time.perf_counter()
            replay.action_replay()
            env.flush_all()
            cr.commit()
            r["replay_s"] = time.perf_counter() - started
            r.update(replay_orders=replay.order_count, replay_changed=replay.changed_count)
    finally:
        registry.delete(args.db)
        if not args.keep_db:
            from odoo.service import db as db_service

            db_service.exp_drop(args.db)
    _report(args, r)
    return 0


def _report(args, r):
    import odoo

    from bench import machine_summary, write_section

    machine = machine_summary()
    load = os.getloadavg()

    def verdict(key, seconds):
        return "met" if seconds <= TARGETS[key] else "**not met**"

    def row(label, seconds, key, baseline, base_seconds):
        target = f"<= {TARGETS[key]:.0f} s: {verdict(key, seconds)}"
        ratio = f"{seconds / base_seconds:.1f}x"
        return f"{label} | {seconds:.2f} | {target} | {baseline} | {base_seconds:.2f} | {ratio}"

    rows = (
        row(
            f"cockpit, median of the runs (slowest {r['cockpit_max_s']:.2f} s)",
            r["cockpit_s"],
            "cockpit",
            "Odoo's order list (80 rows and the count)",
            r["list_s"],
        ),
        row(
            f"wave of {r['wave_orders']:,} orders released end to end",
            r["wave_s"],
            "wave",
            "the engine's part alone (one by one, then the batch)",
            r["wave_engine_s"],
        ),
        row(
            f"replay of {r['replay_orders']:,} past orders",
            r["replay_s"],
            "replay",
            "the engine routing the same inputs",
            r["replay_engine_s"],
        ),
    )
    md = f"""## Control tower on Odoo 18: cockpit, wave release, shadow replay

`python -m bench tower` - {machine["date"]}, commit {machine["commit"]}, {machine["cpu"]},
{machine["cores"]} cores, Python {machine["python"]}, Odoo {odoo.release.version},
PostgreSQL on the same machine; load average at the end {load[0]:.1f} / {load[1]:.1f} /
{load[2]:.1f} (1 / 5 / 15 min; the machine is shared). {r["nodes"]} nodes,
{r["total_orders"]:,} orders of one company.

| what | seconds | target | baseline (same process) | seconds | ratio |
|---|---:|---:|---|---:|---:|
| {rows[0]} |
| {rows[1]} |
| {rows[2]} |

The cockpit is read as an OMS manager (record rules apply), every figure a grouped query.
The wave: {r["wave_orders"]:,} orders routed through Odoo one by one (taking
{r["wave_routing_s"]:.0f} s), each buying 1-3 of 10 scarce products; at release the window
read took {r["wave_read_s"]:.2f} s, the batch ({r["solver"]}) brought {r["shipments_before"]}
shipments to {r["shipments_after"]} ({r["cost_before"]:.2f} -> {r["cost_after"]:.2f} shipping
cost), {r["wave_changed"]} orders were planned again ({r["wave_kept"]} kept their plan for
their promise), and every delivery was released. The replay routed {r["replay_orders"]:,}
recorded inputs under a changed rank weight; {r["replay_changed"]:,} would change.
"""
    print(md)
    if not (args.quick or args.no_write):
        write_section("tower", md)


if __name__ == "__main__":
    sys.exit(main())
