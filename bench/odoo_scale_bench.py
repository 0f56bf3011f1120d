"""Routing as the network grows, on a real Odoo 18: `python -m bench odoo_scale [--quick]`.

One database, one company per network size (5, 50, 200 and 1,000 nodes by default), more
than a million stock quants in the table. In every company the same 3-line order is
confirmed again and again, each confirmation its own committed transaction, routed and
vanilla (routing off for the company), in turns order by order. Every node holds the order's
three products and a share of the filler catalogue; the order's warehouse (HOME) is where the
customer is, so routing reads the stock of every node and picks HOME, and vanilla ships from
HOME too: the same delivery and reservations, so the difference is what routing adds.

Per size it reports the confirmation costs (wall clock, CPU of the Odoo process, SQL
queries), the sellable-stock query, the engine's stock snapshot, the network's cold build,
and the first routed confirmation after a node was edited (a commit of its own before it,
as another user's edit would be) against a warm one, in pairs.

Setting up the nodes goes through the ORM (Odoo makes their locations, routes and picking
types); the filler quants are bulk SQL inserts. ``--reuse-db`` keeps a database built
before with the same sizes and quants and only updates the addon in it: the way to measure
two versions of the code on the same data. Needs Odoo 18 as `python -m bench odoo` does.
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

from bench.odoo_bench import _confirm_each, _create_orders, _start_odoo, backend_cpu, main_in_odoo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "oms_bench_scale"
SIZES = (5, 50, 200, 1000)
QUICK_SIZES = (5, 50)
OVERHEAD_TARGET_MS = 5.0
EDIT_TARGET_RATIO = 1.2
FIXTURE_KEY = "oms_bench_scale.fixtures"
# The customer and the order's warehouse (HOME); the other nodes are spread over Germany.
BERLIN = (52.5200, 13.4050)


def _header(*columns):
    return "| " + " | ".join(columns) + " |\n|" + "---:|" * len(columns)


COSTS_HEADER = _header(
    "nodes",
    "routed CPU ms",
    "vanilla CPU ms",
    "overhead CPU ms",
    "routed ms",
    "vanilla ms",
    "overhead ms",
    "SQL queries routed / vanilla",
)
PARTS_HEADER = _header(
    "nodes",
    "sellable stock",
    "engine stock snapshot",
    "stock publishing, one node",
    "engine",
    "routing before the plan (wall)",
    "network cold build",
    "first after a node edit / warm",
)
COMPARISON_HEADER = _header(
    "nodes",
    "overhead CPU ms",
    "overhead wall ms",
    "sellable stock ms",
    "engine stock snapshot ms",
    "stock publishing ms",
    "routing before the plan (wall) ms",
    "network cold build ms",
    "first after a node edit / warm",
    "SQL queries routed",
)


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench odoo_scale")
    parser.add_argument("--quick", action="store_true", help="small sizes; writes nothing")
    parser.add_argument("--sizes", default=None, help="comma-separated node counts")
    parser.add_argument("--quants", type=int, default=None, help="quants in the table, at least")
    parser.add_argument("--orders", type=int, default=None, help="orders per mode and size")
    parser.add_argument("--edits", type=int, default=None, help="node edits per size")
    parser.add_argument("--db", default=os.environ.get("ODOO_BENCH_SCALE_DB", DEFAULT_DB))
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="reuse the database if it has the same fixtures"
    )
    parser.add_argument("--label", default="", help="names the run in the report")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--compare", default=None, help="a --json file of a run to compare with")
    args, _unknown = parser.parse_known_args(argv)
    if args.sizes:
        args.sizes = tuple(int(size) for size in args.sizes.split(","))
    else:
        args.sizes = QUICK_SIZES if args.quick else SIZES
    if args.quants is None:
        args.quants = 20_000 if args.quick else 1_000_000
    if args.orders is None:
        args.orders = 12 if args.quick else 60
    if args.edits is None:
        args.edits = 4 if args.quick else 20
    return args


def main(argv: list[str] | None = None) -> int:
    return main_in_odoo(
        argv, "bench.odoo_scale_bench", lambda args: run(_parse(args)), "ODOO SCALE BENCHMARK"
    )


# --------------------------------------------------------------------------- database


def _open_database(odoo, args):
    """The registry of the bench database, built (or reused) with the fixtures."""
    from odoo.service import db as db_service

    wanted = {"sizes": list(args.sizes), "quants": args.quants}
    if args.reuse_db and db_service.exp_db_exist(args.db):
        odoo.tools.config["update"] = {"oms_omnichannel": 1}
        registry = odoo.modules.registry.Registry.new(args.db, update_module=True)
        odoo.tools.config["update"] = {}
        with registry.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [FIXTURE_KEY])
            row = cr.fetchone()
        built = json.loads(row[0]) if row else None
        # A database built for more sizes holds each of them as a run of all would: a run of
        # some of them reuses it instead of rebuilding it with only those (and measuring the
        # next full run on other data).
        if built and built["quants"] == args.quants and set(args.sizes) <= set(built["sizes"]):
            print(f"[odoo_scale] reusing {args.db} (addon updated)", flush=True)
            return registry
        registry.delete(args.db)
    if db_service.exp_db_exist(args.db):
        db_service.exp_drop(args.db)
    print(f"[odoo_scale] database {args.db}: installing oms_omnichannel ...", flush=True)
    db_service._create_empty_database(args.db)
    odoo.tools.config["init"] = {"oms_omnichannel": 1}
    registry = odoo.modules.registry.Registry.new(args.db, update_module=True)
    odoo.tools.config["init"] = {}
    from odoo import SUPERUSER_ID, api

    started = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        _build_fixtures(env, args.sizes, args.quants)
        env["ir.config_parameter"].set_param(FIXTURE_KEY, json.dumps(wanted))
        cr.commit()
    with registry.cursor() as cr:
        cr.execute("ANALYZE")
    print(f"[odoo_scale] fixtures built in {time.perf_counter() - started:.0f} s", flush=True)
    return registry


def _build_fixtures(env, sizes, quants_wanted):
    from odoo import Command

    rng = random.Random(22)
    germany = env.ref("base.de")
    fillers_per_node = -(-quants_wanted // sum(sizes))  # ceil
    fillers = env["product.product"].create(
        [
            {"name": f"Filler {i:05d}", "type": "consu", "is_storable": True, "weight": 0.5}
            for i in range(fillers_per_node)
        ]
    )
    # The carriers of the database: only each company's own parcel service routes.
    env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
    for size in sizes:
        started = time.perf_counter()
        company = env["res.company"].create({"name": f"Scale {size}", "country_id": germany.id})
        env.user.write({"company_ids": [Command.link(company.id)]})
        cenv = env(context=dict(env.context, allowed_company_ids=[company.id]))
        shipping = cenv["product.product"].create(
            {"name": "Shipping", "type": "service", "company_id": company.id}
        )
        cenv["delivery.carrier"].create(
            {
                "name": f"Parcel {size}",
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "company_id": company.id,
                "oms_cost_per_package": 5.0,
            }
        )
        coords = [BERLIN] + [
            (rng.uniform(47.5, 54.5), rng.uniform(6.0, 15.0)) for _ in range(size - 1)
        ]
        partners = cenv["res.partner"].create(
            [
                {
                    "name": f"Node {size}-{i}",
                    "zip": f"{rng.randint(10000, 99999)}",
                    "country_id": germany.id,
                    "tz": "Europe/Berlin",
                    "partner_latitude": lat,
                    "partner_longitude": lon,
                }
                for i, (lat, lon) in enumerate(coords)
            ]
        )
        # Odoo 18 makes no warehouse for a company created this way: HOME is the first.
        nodes = cenv["stock.warehouse"].create(
            [
                {
                    "name": "HOME" if i == 0 else f"Node {i:04d}",
                    "code": "HOME" if i == 0 else f"N{i:04d}",
                    "partner_id": partner.id,
                    "company_id": company.id,
                }
                for i, partner in enumerate(partners)
            ]
        )
        home = nodes[0]
        products = cenv["product.product"].create(
            [
                {
                    "name": f"Scale {size} item {i}",
                    "type": "consu",
                    "is_storable": True,
                    "weight": 1.0,
                }
                for i in range(3)
            ]
        )
        customer = cenv["res.partner"].create(
            {
                "name": f"Customer {size}",
                "zip": "10117",
                "country_id": germany.id,
                "partner_latitude": BERLIN[0],
                "partner_longitude": BERLIN[1],
            }
        )
        # The order's products at every node: routing reads them all, HOME (where the
        # customer is) wins.
        _insert_quants(
            env, company, [(p.id, wh.lot_stock_id.id, 1e6) for wh in nodes for p in products]
        )
        stock_ids = nodes.mapped("lot_stock_id").ids
        env.cr.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                     reserved_quantity, in_date, inventory_quantity_set,
                                     create_uid, write_uid, create_date, write_date)
            SELECT p, l, %s, 1 + (p * 7 + l) %% 50, 0, now() at time zone 'UTC', false,
                   1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM unnest(%s::int[]) AS p CROSS JOIN unnest(%s::int[]) AS l
            """,
            [company.id, fillers.ids, stock_ids],
        )
        env["ir.config_parameter"].set_param(
            f"oms_bench_scale.{size}",
            json.dumps(
                {
                    "company": company.id,
                    "home": home.id,
                    "products": products.ids,
                    "customer": customer.id,
                }
            ),
        )
        env.cr.commit()
        print(
            f"[odoo_scale] {size} nodes set up in {time.perf_counter() - started:.0f} s",
            flush=True,
        )


def _insert_quants(env, company, rows):
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, inventory_quantity_set,
                                 create_uid, write_uid, create_date, write_date)
        SELECT p, l, %s, q, 0, now() at time zone 'UTC', false,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM unnest(%s::int[], %s::int[], %s::float8[]) AS t(p, l, q)
        """,
        [company.id, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
    )


# --------------------------------------------------------------------------- measuring


def _size_fixture(env, size):
    data = json.loads(env["ir.config_parameter"].get_param(f"oms_bench_scale.{size}"))
    company = env["res.company"].browse(data["company"])
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    return (
        env,
        company,
        env["stock.warehouse"].browse(data["home"]),
        env["product.product"].browse(data["products"]),
        env["res.partner"].browse(data["customer"]),
    )


def _median_ms(func, repeat, cpu_clock, before=None):
    """Median wall and CPU milliseconds (this process and the database's) of ``func``."""
    wall, cpu = [], []
    for _ in range(repeat):
        if before:
            before()
        started, started_cpu = time.perf_counter(), cpu_clock()
        func()
        wall.append(time.perf_counter() - started)
        cpu.append(cpu_clock() - started_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def _cpu_clock(cr):
    """CPU seconds of this process plus those of ``cr``'s database backend when readable."""
    backend = backend_cpu(cr)
    if backend is None:
        return time.process_time
    return lambda: time.process_time() + backend()


def _measure_size(env, size, args):
    env, company, home, products, customer = _size_fixture(env, size)
    cr = env.cr
    count = args.orders + 5
    routed = _create_orders(env, company, home, products, customer, count + 2 * args.edits)
    vanilla = _create_orders(env, company, home, products, customer, count)
    cr.commit()
    timings = {"routed": [], "vanilla": []}
    queries = {"routed": [], "vanilla": []}
    cpu = {"routed": [], "vanilla": []}
    db_cpu = {"routed": [], "vanilla": []}
    # Order by order, routed and vanilla in turns (each first every other time): a pair
    # sees the same load, so the overhead is the median of the pairs' differences.
    for i in range(count):
        pair = [("routed", routed[i], True), ("vanilla", vanilla[i], False)]
        for name, order, active in pair if i % 2 else reversed(pair):
            company.oms_routing_active = active
            cr.commit()
            if i < 5:  # warm-up: the first calls compile, fill caches, build the network
                _confirm_each(env, order)
                continue
            timings[name] += _confirm_each(env, order, queries[name], cpu[name], db_cpu[name])
    result = {"nodes": size, "orders": args.orders, "db_cpu": bool(db_cpu["routed"])}
    checked = routed[5]
    result["routed_pickings"] = len(checked.picking_ids)
    result["same_outcome"] = _outcome(checked) == _outcome(vanilla[5])
    total = {name: _totals(cpu[name], db_cpu[name]) for name in cpu}
    for name in timings:
        result[f"{name}_ms"] = statistics.median(timings[name]) * 1000
        result[f"{name}_cpu_ms"] = statistics.median(total[name]) * 1000
        result[f"{name}_queries"] = statistics.median(queries[name])
    result["overhead_ms"] = _median_difference(timings["routed"], timings["vanilla"])
    result["overhead_cpu_ms"] = _median_difference(total["routed"], total["vanilla"])
    # This run's decisions only: the database may keep those of earlier runs.
    result["routing_ms"] = statistics.median(routed[5:count].oms_decision_id.mapped("duration_ms"))

    # The first routed confirmation after a node edit, against a warm one, in pairs.
    company.oms_routing_active = True
    cr.commit()
    nodes = env["stock.warehouse"].search([("company_id", "=", company.id)]) - home
    edited = {"after_edit": ([], [], []), "warm": ([], [], [])}
    rest = routed[count:]
    for i in range(args.edits):
        node = nodes[i % len(nodes)] if nodes else home
        node.oms_handling_cost = 0.5 if node.oms_handling_cost == 0.0 else 0.0
        cr.commit()
        env.invalidate_all()
        for name, order in (("after_edit", rest[2 * i]), ("warm", rest[2 * i + 1])):
            wall, own, db = edited[name]
            wall += _confirm_each(env, order, cpu=own, db_cpu=db)
    (edit_wall, *edit_cpu), (warm_wall, *warm_cpu) = edited["after_edit"], edited["warm"]
    result["after_edit_ms"] = statistics.median(edit_wall) * 1000
    result["warm_ms"] = statistics.median(warm_wall) * 1000
    result["edit_ratio"] = result["after_edit_ms"] / result["warm_ms"]
    result["edit_cpu_ratio"] = statistics.median(_totals(*edit_cpu)) / statistics.median(
        _totals(*warm_cpu)
    )

    # The parts, on their own (nothing committed): wall and CPU milliseconds.
    clock = _cpu_clock(cr)
    order = _create_orders(env, company, home, products, customer, 1)
    warehouses = env["oms.network"]._get_nodes(company)
    sellable = env["oms.sellable.stock"]
    result["sellable_ms"], result["sellable_cpu_ms"] = _median_ms(
        lambda: sellable._get_on_hand_free(products, warehouses), 30, clock
    )
    # What every confirmation's outbox does, routed or not: the order's products' figures at
    # the node that reserved them, to publish.
    outbox = env["oms.outbox.event"]
    pairs = {(product_id, home.id) for product_id in products.ids}
    result["publishing_ms"], result["publishing_cpu_ms"] = _median_ms(
        lambda: outbox._stock_changed_vals(pairs), 30, clock
    )
    router = env["oms.router"]
    result["snapshot_ms"], result["snapshot_cpu_ms"] = _median_ms(
        lambda: router._get_engine_stock(order, products, env["oms.network"]._get_nodes(company)),
        30,
        clock,
        before=env.invalidate_all,
    )
    network_model = env["oms.network"].with_company(company)
    policy = env["oms.sourcing.policy"]._get_default_policy()
    network = network_model._get_network(company, policy)
    warehouses = network_model._get_nodes(company)
    router = router.with_company(company)
    demand = router._get_demand(order.order_line)
    network_model._ensure_products(network, products)
    stock = router._get_engine_stock(order, products, warehouses)
    engine_order = router._prepare_engine_order(order, demand, env["stock.warehouse"], warehouses)
    route = _engine().route
    result["engine_ms"], result["engine_cpu_ms"] = _median_ms(
        lambda: route(network, engine_order, stock), 30, clock
    )

    def forget():
        # What a new worker sees: no network, no record read yet.
        network_model._invalidate()
        env.invalidate_all()

    result["network_cold_ms"], result["network_cold_cpu_ms"] = _median_ms(
        lambda: network_model._get_network(company, policy), 5, clock, before=forget
    )
    cr.rollback()
    return result


def _totals(own, db):
    """Per order: this process's CPU seconds plus the database's, when it was measured."""
    return [a + b for a, b in zip(own, db, strict=True)] if db else list(own)


def _median_difference(routed, vanilla):
    return statistics.median(r - v for r, v in zip(routed, vanilla, strict=True)) * 1000


def _engine():
    from odoo.addons.oms_omnichannel.models.oms_network import engine

    return engine


def _outcome(order):
    """What a confirmation made: (source warehouse, product, quantity, reserved) per move."""
    return sorted(
        (
            move.picking_id.picking_type_id.warehouse_id.code,
            move.product_id.id,
            move.product_uom_qty,
            move.quantity,
        )
        for move in order.picking_ids.move_ids
    )


def run(args) -> int:
    odoo = _start_odoo(args)
    from odoo import SUPERUSER_ID, api

    registry = _open_database(odoo, args)
    load_before = os.getloadavg()
    results = []
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cr.execute("SELECT count(*) FROM stock_quant")
            quants = cr.fetchone()[0]
            for size in args.sizes:
                started = time.perf_counter()
                results.append(_measure_size(env, size, args))
                print(
                    f"[odoo_scale] {size} nodes measured in {time.perf_counter() - started:.0f} s:"
                    f" {results[-1]}",
                    flush=True,
                )
    finally:
        registry.delete(args.db)
        if not (args.keep_db or args.reuse_db):
            from odoo.service import db as db_service

            db_service.exp_drop(args.db)
    load_after = os.getloadavg()
    if args.json:
        from bench import machine_summary

        summary = {
            "label": args.label,
            "date": machine_summary()["date"],
            "load": f"{load_before[0]:.1f}-{load_after[0]:.1f}",
            "quants": quants,
            "results": results,
        }
        Path(args.json).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    _report(args, quants, results, (load_before, load_after))
    return 0


def _report(args, quants, results, loads):
    import odoo

    from bench import machine_summary, write_section

    machine = machine_summary()
    costs = "\n".join(
        f"| {r['nodes']:,} | {r['routed_cpu_ms']:.1f} | {r['vanilla_cpu_ms']:.1f} | "
        f"**{r['overhead_cpu_ms']:+.1f}** | {r['routed_ms']:.1f} | {r['vanilla_ms']:.1f} | "
        f"{r['overhead_ms']:+.1f} | {r['routed_queries']:.0f} / {r['vanilla_queries']:.0f} |"
        for r in results
    )
    parts = "\n".join(
        f"| {r['nodes']:,} | {r['sellable_cpu_ms']:.2f} ({r['sellable_ms']:.2f}) | "
        f"{r['snapshot_cpu_ms']:.2f} ({r['snapshot_ms']:.2f}) | "
        f"{r['publishing_cpu_ms']:.2f} ({r['publishing_ms']:.2f}) | "
        f"{r['engine_cpu_ms']:.2f} ({r['engine_ms']:.2f}) | {r['routing_ms']:.2f} | "
        f"{r['network_cold_cpu_ms']:.1f} ({r['network_cold_ms']:.1f}) | "
        f"**{r['edit_cpu_ratio']:.2f}x** ({r['edit_ratio']:.2f}x) |"
        for r in results
    )
    worst_cpu = max(r["overhead_cpu_ms"] for r in results)
    worst_wall = max(r["overhead_ms"] for r in results)
    worst_edit = max(r["edit_cpu_ratio"] for r in results)
    worst_edit_wall = max(r["edit_ratio"] for r in results)
    queries = sorted({r["routed_queries"] for r in results})
    same = all(r["same_outcome"] for r in results)
    cpu_is = (
        "the Odoo process's plus its PostgreSQL backend's (read from /proc): the work done, "
        "whatever else the machine runs"
        if all(r["db_cpu"] for r in results)
        else "the Odoo process's only (the database's could not be read)"
    )
    title = f" ({args.label})" if args.label else ""
    md = f"""## Odoo 18: routing as the network grows{title}

`python -m bench odoo_scale` - {machine["date"]}, commit {machine["commit"]}, {machine["cpu"]},
{machine["cores"]} cores, Python {machine["python"]}, Odoo {odoo.release.version}, PostgreSQL
on the same machine; load average {loads[0][0]:.1f} before the run, {loads[1][0]:.1f} after.
{quants:,} stock quants in the table; one company per size, each node holding the order's
three products and its share of the filler catalogue. Per size, the 3-line order confirmed
{results[0]["orders"]} times routed and {results[0]["orders"]} times vanilla (routing off),
each confirmation committed, the modes in turns order by order. The order's warehouse is
where the customer is, so routing reads every node's stock and picks it, and both modes make
the same delivery with the same reservations: {"yes" if same else "**no**"}. Medians; the
overhead is the median of the differences within each routed/vanilla pair. CPU is {cpu_is};
the wall clock also counts the waits for a core.

{COSTS_HEADER}
{costs}

The parts, measured on their own in the same process, CPU ms (wall ms): the sellable-stock
query, the engine's stock snapshot (the query and naming the nodes, from a cold record cache),
the outbox's stock publishing (the three products' figures at the node that reserved them,
what every confirmation publishes, routed or not), the engine's decision, routing before the
plan is applied (product lock, stock, network, engine: the decisions' own wall-clock timing),
the network's cold build (no network kept, no record read) and the first routed confirmation
after a node was edited (its own commit before, as another user's edit) against the warm one
after it ({args.edits} pairs).

{PARTS_HEADER}
{parts}

Worst overhead {worst_cpu:+.1f} ms CPU per order ({worst_wall:+.1f} ms wall clock), target <=
{OVERHEAD_TARGET_MS:g} ms: {_verdict(worst_cpu <= OVERHEAD_TARGET_MS)}. Worst first confirmation
after a node edit {worst_edit:.2f}x a warm one in CPU ({worst_edit_wall:.2f}x wall clock),
target <= {EDIT_TARGET_RATIO}x: {_verdict(worst_edit <= EDIT_TARGET_RATIO)}. SQL queries per
routed order: {", ".join(f"{q:.0f}" for q in queries)} across the sizes.
"""
    if args.compare:
        md += _comparison(json.loads(Path(args.compare).read_text(encoding="utf-8")), results)
    print(md)
    if not (args.quick or args.no_write):
        write_section("odoo_scale", md)


def _verdict(met):
    return "met" if met else "**not met**"


def _comparison(before, results):
    """Before (a JSON of an earlier run on the same database) against this run."""
    old = {r["nodes"]: r for r in before["results"]}

    def cell(r, key, fmt):
        before = old[r["nodes"]].get(key)  # older runs did not measure every part
        before = "-" if before is None else format(before, fmt)
        return f"{before} -> {format(r[key], fmt)}"

    rows = "\n".join(
        "| "
        + " | ".join(
            [
                f"{r['nodes']:,}",
                cell(r, "overhead_cpu_ms", "+.1f"),
                cell(r, "overhead_ms", "+.1f"),
                cell(r, "sellable_cpu_ms", ".2f"),
                cell(r, "snapshot_cpu_ms", ".2f"),
                cell(r, "publishing_cpu_ms", ".2f"),
                cell(r, "routing_ms", ".2f"),
                cell(r, "network_cold_cpu_ms", ".1f"),
                cell(r, "edit_cpu_ratio", ".2f"),
                cell(r, "routed_queries", ".0f"),
            ]
        )
        + " |"
        for r in results
        if r["nodes"] in old
    )
    return f"""
Before ({before.get("label") or "baseline"}, {before.get("date", "")}, load average
{before.get("load", "?")}) -> this run, on the same database (CPU unless said):

{COMPARISON_HEADER}
{rows}
"""


if __name__ == "__main__":
    sys.exit(main())
