"""Returns on a real Odoo 18: `python -m bench returns_odoo [--returns=N] [--db=] [--config=]`.

Measures, on a database where ``oms_returns`` is installed (run it on a copy you can drop:
the run is one transaction rolled back at the end, but creating a company may commit), what
a return costs the Odoo process against Odoo doing the nearest thing itself, in the same
process, alternating return by return:

- a **mailed return** (``oms.return._oms_create_return``: checks, engine routing over the
  company's nodes, the decision record with its chatter notes, a receipt at the chosen node,
  a label request with its outbox event) against **Odoo's own return** of the same delivery
  (``stock.return.picking`` wizard, ``action_create_returns``: a receipt at the shipping
  warehouse);
- a **store return** (received at the till, routed, put away, paid back in cash with its
  note) against Odoo's own return of the delivery, validated.

Figures: CPU ms of the Odoo process (``time.process_time``) and SQL queries per return,
medians and p95, the ratio to the baseline, and the engine's own share (the decisions'
``duration_ms``). Skipped loudly without an Odoo 18 (set ODOO_PYTHON, ODOO_RC, and
ODOO_BENCH_DB to a database with oms_returns installed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from bench.odoo_bench import main_on_database

ROOT = Path(__file__).resolve().parents[1]


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench returns_odoo")
    parser.add_argument("--quick", action="store_true", help="20 returns per mode")
    parser.add_argument("--returns", type=int, default=None)
    parser.add_argument("--db", default=os.environ.get("ODOO_BENCH_DB", ""))
    parser.add_argument("--config", default=os.environ.get("ODOO_RC", ""))
    args, _unknown = parser.parse_known_args(argv)
    if args.returns is None:
        args.returns = 20 if args.quick else 100
    return args


def main(argv: list[str] | None = None) -> int:
    return main_on_database(argv, "bench.returns_odoo_bench", _parse, run, "RETURNS BENCHMARK")


def run(args) -> int:
    import odoo
    from odoo import Command, api

    config = ["-c", args.config] if args.config else []
    odoo.tools.config.parse_config(config)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        admin = api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"tracking_disable": True})
        try:
            world = _world(env, Command)
            results = _measure(env, world, args.returns)
        finally:
            cr.rollback()
    _report(results, args.returns)
    return 0


def _world(env, Command):
    """A retailer of its own: a DC that triages, eight stores, web channel, products sold."""
    name = f"Returns bench retail {uuid.uuid4().hex[:6]}"
    company = env["res.company"].create({"name": name, "country_id": env.ref("base.de").id})
    env.user.company_ids = [Command.link(company.id)]
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    home = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    if not home:
        home = env["stock.warehouse"].create(
            {"name": "Home", "code": "RBH", "company_id": company.id}
        )
    home.write({"oms_routing_enabled": False})
    shipping = env["product.product"].create({"name": "Shipping", "type": "service"})
    env["delivery.carrier"].sudo().search([]).write({"oms_routing_enabled": False})
    env["delivery.carrier"].create(
        {
            "name": "Parcel",
            "product_id": shipping.id,
            "delivery_type": "fixed",
            "company_id": company.id,
            "oms_default_transit_days": 2,
        }
    )
    nodes = env["stock.warehouse"]
    for index in range(9):
        partner = env["res.partner"].create(
            {
                "name": f"Node {index}",
                "zip": f"{10115 + index * 1000}",
                "city": "Berlin",
                "country_id": env.ref("base.de").id,
            }
        )
        nodes |= env["stock.warehouse"].create(
            {
                "name": f"Node {index}",
                "code": f"RB{index}",
                "partner_id": partner.id,
                "company_id": company.id,
                "oms_node_kind": "dc" if index == 0 else "store",
                "oms_return_triage": index == 0,
                "oms_return_parcel_cost": 5.0 + index * 0.2,
                "oms_return_handling_cost": 1.5,
                "oms_transfer_unit_cost": 1.0,
            }
        )
    products = env["product.product"].create(
        [
            {
                "name": f"Item {i}",
                "type": "consu",
                "is_storable": True,
                "list_price": 20.0 + i,
                "weight": 0.5,
            }
            for i in range(20)
        ]
    )
    customers = env.ref("stock.stock_location_customers")
    for product in products:
        for node in nodes:
            env["stock.quant"]._update_available_quantity(product, node.lot_stock_id, 500)
    channel = env["oms.channel"].create(
        {"name": "Bench web", "code": "bench-ret", "company_id": company.id}
    )
    customer = env["res.partner"].create(
        {
            "name": "Ana",
            "zip": "10117",
            "city": "Berlin",
            "country_id": env.ref("base.de").id,
            "email": "ana@example.com",
        }
    )
    return {
        "env": env,
        "company": company,
        "home": home,
        "nodes": nodes,
        "products": products,
        "channel": channel,
        "customer": customer,
        "customers": customers,
    }


def _delivered(world, index):
    env = world["env"]
    products = world["products"]
    lines = [products[index % 20], products[(index * 7 + 3) % 20]]
    order = env["sale.order"].create(
        {
            "partner_id": world["customer"].id,
            "company_id": world["company"].id,
            "warehouse_id": world["home"].id,
            "oms_channel_id": world["channel"].id,
            "order_line": [
                (0, 0, {"product_id": p.id, "product_uom_qty": 1, "price_unit": 25.0})
                for p in lines
            ],
        }
    )
    order.action_confirm()
    for picking in order.picking_ids:
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()
    return order


def _timed(env, fn):
    env.flush_all()
    queries = env.cr.sql_log_count
    cpu = time.process_time()
    fn()
    env.flush_all()
    return (time.process_time() - cpu) * 1000, env.cr.sql_log_count - queries


def _odoo_return(env, order, validate):
    picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1]
    wizard = (
        env["stock.return.picking"]
        .with_context(active_id=picking.id, active_model="stock.picking")
        .create({"picking_id": picking.id})
    )
    for line in wizard.product_return_moves:
        line.quantity = line.move_id.quantity
        line.to_refund = True
    action = wizard.action_create_returns()
    if validate:
        ret = env["stock.picking"].browse(action["res_id"])
        for move in ret.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        ret._action_done()


def _items(order):
    return [
        {"sale_line": line, "quantity": 1, "reason": "changed_mind", "condition": "as_new"}
        for line in order.order_line
        if line.product_id.type == "consu"
    ]


def _measure(env, world, count):
    env = world["env"]
    Return = env["oms.return"]
    store = world["nodes"][3]
    results = {
        key: []
        for key in ("mail", "mail_base", "store", "store_base", "engine_mail", "engine_store")
    }
    for index in range(count):
        orders = [_delivered(world, index * 4 + k) for k in range(4)]
        pairs = [
            ("mail", lambda o=orders[0]: Return._oms_create_return(o, _items(o))),
            ("mail_base", lambda o=orders[1]: _odoo_return(env, o, validate=False)),
            (
                "store",
                lambda o=orders[2]: Return.with_context(oms_refund_at_till=True)._oms_create_return(
                    o, _items(o), kind="store", store=store, refund_method="cash"
                ),
            ),
            ("store_base", lambda o=orders[3]: _odoo_return(env, o, validate=True)),
        ]
        if index % 2:
            pairs = pairs[1::2] + pairs[0::2]  # alternate which mode runs first
        for name, fn in pairs:
            results[name].append(_timed(env, fn))
        for order, key in ((orders[0], "engine_mail"), (orders[2], "engine_store")):
            decision = order.oms_return_ids.decision_ids[:1]
            results[key].append(decision.duration_ms)
    return results


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _report(results, count):
    import platform

    print(
        f"returns_odoo: {count} returns per mode, {platform.machine()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    for mode, base in (("mail", "mail_base"), ("store", "store_base")):
        cpu = [c for c, _q in results[mode]]
        cpu_base = [c for c, _q in results[base]]
        queries = statistics.median(q for _c, q in results[mode])
        queries_base = statistics.median(q for _c, q in results[base])
        print(
            f"  {mode:5} return: CPU ms median {statistics.median(cpu):.1f} "
            f"p95 {_pct(cpu, 0.95):.1f}, {queries:.0f} queries | Odoo's own return: "
            f"median {statistics.median(cpu_base):.1f} "
            f"p95 {_pct(cpu_base, 0.95):.1f}, {queries_base:.0f} queries | ratio "
            f"{statistics.median(cpu) / statistics.median(cpu_base):.2f}x"
        )
        engine = results[f"engine_{mode}"]
        print(
            f"        engine decision: median {statistics.median(engine):.2f} ms, "
            f"p99 {_pct(engine, 0.99):.2f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
