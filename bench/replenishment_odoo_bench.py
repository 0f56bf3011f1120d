"""Replenishment proposals on a real Odoo 18: `python -m bench replenishment_odoo [--quick]
[--weekly=N] [--db=] [--config=]`.

What the proposals of ``oms_replenishment`` save in Odoo's own terms: a retailer whose inbound
landed at the wrong DC (half its products at the Hamburg DC, half at the Munich DC, none at its
click & collect store in Berlin) routes four weeks of orders through the OMS router; the addon
computes its proposals from them; then the next week's orders are confirmed through the router
twice, from the same state - once as things are, once after the transfers the back office
would confirm (those whose net benefit is positive) were confirmed and received - and the
routing decisions Odoo recorded are compared: packages per order, shipping cost per order,
split orders, units left short, as ratios against no proposals. The replay's prediction (the
proposals' own savings on the history) is printed beside it.

The run is one transaction rolled back at the end (each week in a savepoint); run it on a
database you can spare with ``oms_replenishment`` installed. Skipped loudly without an Odoo 18
(set ODOO_PYTHON, ODOO_RC, and ODOO_BENCH_DB).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import uuid
from pathlib import Path

from bench.odoo_bench import main_on_database

ROOT = Path(__file__).resolve().parents[1]
HISTORY_WEEKS = 4
PRODUCTS = 12
# Destination postal codes of shipped orders (no coordinates: Odoo geolocates addresses only
# with base_geolocalize, which the OMS does not require).
ZIPS = ("20095", "10117", "04109", "80331", "70173", "90402", "50667", "60311")


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench replenishment_odoo")
    parser.add_argument("--quick", action="store_true", help="20 orders a week")
    parser.add_argument("--weekly", type=int, default=None, help="orders a week (60)")
    parser.add_argument("--db", default=os.environ.get("ODOO_BENCH_DB", ""))
    parser.add_argument("--config", default=os.environ.get("ODOO_RC", ""))
    parser.add_argument("--seed", type=int, default=20261206)
    args, _unknown = parser.parse_known_args(argv)
    if args.weekly is None:
        args.weekly = 20 if args.quick else 60
    return args


def main(argv: list[str] | None = None) -> int:
    return main_on_database(
        argv, "bench.replenishment_odoo_bench", _parse, run, "REPLENISHMENT ODOO BENCHMARK"
    )


def run(args) -> int:
    import odoo
    from odoo import Command, api

    config = ["-c", args.config] if args.config else []
    odoo.tools.config.parse_config(config)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        root = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = api.Environment(cr, root.ref("base.user_admin").id, {"tracking_disable": True})
        try:
            world = _world(env, Command)
            rng = random.Random(args.seed)
            for _week in range(HISTORY_WEEKS):
                _week_of_orders(world, rng, args.weekly)
            planner = world["env"]["oms.replenishment.planner"]
            proposals = planner.sudo()._run(world["company"]).sudo(False)
            next_week = random.Random(args.seed + 1)
            state = next_week.getstate()
            rows = {"no proposals": _replayed(world, state, args.weekly, None)}
            transfers = proposals.filtered(lambda p: p.kind == "transfer")
            paying = transfers.filtered(lambda p: p.net_saving > 0)
            rows["transfers with a positive net benefit"] = _replayed(
                world, state, args.weekly, paying
            )
            rows["all transfers"] = _replayed(world, state, args.weekly, transfers)
            _report(args, world, proposals, paying, rows)
        finally:
            cr.rollback()
    return 0


def _world(env, Command):
    """A retailer of its own: two DCs holding half the range each, a click & collect store
    holding nothing, one parcel carrier, a web channel."""
    company = env["res.company"].create(
        {"name": f"Replenish bench {uuid.uuid4().hex[:6]}", "country_id": env.ref("base.de").id}
    )
    env.user.company_ids = [Command.link(company.id)]
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["stock.warehouse"].search([("company_id", "=", company.id)]).write(
        {"oms_routing_enabled": False}
    )
    env["delivery.carrier"].sudo().search([]).write({"oms_routing_enabled": False})
    shipping = env["product.product"].create({"name": "Shipping", "type": "service"})
    env["delivery.carrier"].create(
        {
            "name": "Bench parcel",
            "product_id": shipping.id,
            "delivery_type": "fixed",
            "company_id": company.id,
            "oms_default_transit_days": 2,
            "oms_cost_per_package": 4.9,
            "oms_cost_per_kg": 0.2,
        }
    )

    def node(code, zip_code, lat, lon, **vals):
        partner = env["res.partner"].create(
            {"name": code, "zip": zip_code, "country_id": env.ref("base.de").id}
        )
        return env["stock.warehouse"].create(
            {
                "name": code,
                "code": code,
                "partner_id": partner.id,
                "company_id": company.id,
                "oms_latitude": lat,
                "oms_longitude": lon,
                **vals,
            }
        )

    hamburg = node("BHH", "20095", 53.55, 10.0)
    munich = node("BMU", "80331", 48.14, 11.58, oms_priority=1)
    store = node(
        "BBE",
        "10117",
        52.52,
        13.40,
        oms_node_kind="store",
        oms_pickup_point=True,
        oms_ships_parcels=False,
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench item {i}", "type": "consu", "is_storable": True, "weight": 0.5}
            for i in range(PRODUCTS)
        ]
    )
    for index, product in enumerate(products):
        where = hamburg if index % 2 == 0 else munich
        env["stock.quant"]._update_available_quantity(product, where.lot_stock_id, 400)
    channel = env["oms.channel"].create(
        {"name": "Bench web", "code": f"bench-rep-{uuid.uuid4().hex[:4]}", "company_id": company.id}
    )
    customers = env["res.partner"].create(
        [{"name": f"Customer {z}", "zip": z, "country_id": env.ref("base.de").id} for z in ZIPS]
    )
    return {
        "env": env,
        "company": company,
        "store": store,
        "products": products,
        "channel": channel,
        "customers": customers,
        "Command": Command,
    }


def _week_of_orders(world, rng, count):
    """``count`` orders confirmed through the router: a quarter collected at the store, the
    others shipped; one to three products each, the first products sold most."""
    env, Command = world["env"], world["Command"]
    products = world["products"]
    weights = [1.0 / (i + 1) for i in range(len(products))]
    orders = env["sale.order"]
    for _n in range(count):
        picked = set(rng.choices(range(len(products)), weights, k=rng.choice((1, 2, 2, 3))))
        vals = {
            "partner_id": rng.choice(world["customers"]).id,
            "company_id": world["company"].id,
            "oms_channel_id": world["channel"].id,
            "order_line": [
                Command.create({"product_id": products[i].id, "product_uom_qty": 1})
                for i in sorted(picked)
            ],
        }
        if rng.random() < 0.25:
            vals.update(oms_delivery_mode="pickup", oms_pickup_warehouse_id=world["store"].id)
        order = env["sale.order"].create(vals)
        order.action_confirm()
        orders |= order
    return orders


def _replayed(world, state, count, proposals):
    """The next week's orders (the same ones: ``state`` seeds them) routed after confirming
    and receiving ``proposals``; the figures of their routing decisions. Rolled back."""
    env = world["env"]
    with env.cr.savepoint(flush=True) as savepoint:
        if proposals:
            proposals.action_confirm()
            for picking in proposals.picking_id:
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                picking.move_ids.picked = True
                picking._action_done()
        rng = random.Random()
        rng.setstate(state)
        orders = _week_of_orders(world, rng, count)
        decisions = orders.oms_decision_id
        figures = {
            "orders": len(orders),
            "packages": sum(decisions.mapped("package_count")),
            "cost": sum(decisions.mapped("cost")),
            "split": sum(decisions.mapped("is_split")),
            "short": sum(
                line.quantity for line in decisions.line_ids if line.kind == "unfulfilled"
            ),
        }
        savepoint.close()  # rolled back
    env.invalidate_all()
    return figures


def _report(args, world, proposals, paying, rows):
    transfers = proposals.filtered(lambda p: p.kind == "transfer")
    purchases = proposals - transfers
    history = HISTORY_WEEKS * args.weekly
    print(
        f"replenishment_odoo: {history} history orders, {args.weekly} next-week orders, "
        f"seed {args.seed}, {platform.machine()}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  proposals: {len(transfers)} transfers ({sum(transfers.mapped('quantity'))} units),"
        f" {len(paying)} with a positive net benefit, {len(purchases)} purchases"
    )
    predicted = sum(paying.mapped("packages_saved"))
    print(
        f"  the replay's prediction for the confirmed ones, on the history: {predicted} "
        f"packages saved over {history} orders ({predicted / history:.3f} per order)"
    )
    base = rows["no proposals"]
    print(
        "| next week | orders | packages/order | ratio | shipping cost/order | ratio "
        "| split orders | units short |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, row in rows.items():
        n = row["orders"]
        packages, cost = row["packages"] / n, row["cost"] / n
        print(
            f"| {name} | {n} | {packages:.3f} | {packages / (base['packages'] / n):.3f} "
            f"| {cost:.2f} | {cost / (base['cost'] / n):.3f} | {row['split']} "
            f"| {row['short']:.0f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
