"""Operator commands on Odoo over JSON-RPC (odoorpc), as a person with their own login.

    python tools/oms_odoo.py orders [--routing hold] [--channel webshop] [--limit 20]
    python tools/oms_odoo.py order S00042          # or the shop's order id / name

Where orders stand, and why: the routing state of the latest orders, and for one order its
deliveries and the routing decision's explanation, in the words Odoo stores. Connects to
`--url` (default http://localhost:8069, what `make run` serves), database `--db` (oms) as
`--login` (default oms_service, the demo's customer service); the password comes from
OMS_ODOO_PASSWORD, else it is asked for (the demo's is the login). Odoo's access rules apply:
store staff see their store's orders only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from urllib.parse import urlparse

import odoorpc

ORDER_FIELDS = ["name", "state", "oms_channel_id", "oms_external_name", "oms_routing_state",
                "oms_decision_id", "picking_ids", "date_order"]  # fmt: skip


def connect(args: argparse.Namespace) -> odoorpc.ODOO:
    url = urlparse(args.url)
    secure = url.scheme == "https"
    protocol, port = ("jsonrpc+ssl", 443) if secure else ("jsonrpc", 80)
    odoo = odoorpc.ODOO(url.hostname, protocol=protocol, port=url.port or port, timeout=60)
    password = os.environ.get("OMS_ODOO_PASSWORD") or getpass.getpass(f"{args.login}'s password: ")
    odoo.login(args.db, args.login, password)
    return odoo


def label(value) -> str:
    """A many2one as Odoo displays it, or a dash."""
    return value[1] if value else "-"


def list_orders(odoo: odoorpc.ODOO, args: argparse.Namespace) -> int:
    domain = [("oms_channel_id", "!=", False)]
    if args.routing:
        domain.append(("oms_routing_state", "=", args.routing))
    if args.channel:
        domain.append(("oms_channel_id.code", "=", args.channel))
    orders = odoo.env["sale.order"].search_read(domain, ORDER_FIELDS, limit=args.limit,
                                                 order="date_order desc")  # fmt: skip
    states = dict(odoo.env["sale.order"].fields_get(["oms_routing_state"])
                  ["oms_routing_state"]["selection"])  # fmt: skip
    for order in orders:
        print(f"{order['name']:<10} {label(order['oms_channel_id']):<16} "
              f"{order['oms_external_name'] or '':<12} "
              f"{states.get(order['oms_routing_state'], '-'):<20} "
              f"{len(order['picking_ids'])} deliveries")  # fmt: skip
    print(f"{len(orders)} order(s)")
    return 0


def show_order(odoo: odoorpc.ODOO, args: argparse.Namespace) -> int:
    ref = args.reference
    found = odoo.env["sale.order"].search_read(
        ["|", "|", ("name", "=", ref), ("oms_external_id", "=", ref),
         ("oms_external_name", "=", ref)], ORDER_FIELDS, limit=1)  # fmt: skip
    if not found:
        print(f"no order {ref!r} that {args.login} may see", file=sys.stderr)
        return 1
    order = found[0]
    fields = odoo.env["sale.order"].fields_get(["state", "oms_routing_state"])
    state = dict(fields["state"]["selection"]).get(order["state"])
    routing = dict(fields["oms_routing_state"]["selection"]).get(order["oms_routing_state"])
    shop = f"{label(order['oms_channel_id'])} {order['oms_external_name'] or ''}".strip()
    print(f"{order['name']} ({shop}): {state}, routing {routing}")
    pickings = odoo.env["stock.picking"]
    picking_states = dict(pickings.fields_get(["state"])["state"]["selection"])
    fields = ["name", "state", "picking_type_id", "carrier_tracking_ref"]
    for picking in pickings.read(order["picking_ids"], fields):
        state = picking_states.get(picking["state"], "-")
        tracking = picking["carrier_tracking_ref"] or ""
        kind = label(picking["picking_type_id"])
        print(f"  {picking['name']:<16} {kind:<28} {state:<10} {tracking}")
    if order["oms_decision_id"]:
        [decision] = odoo.env["oms.routing.decision"].read([order["oms_decision_id"][0]],
                                                           ["explanation"])  # fmt: skip
        print("Why:")
        for line in (decision["explanation"] or "").splitlines():
            print(f"  {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/oms_odoo.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="oms")
    parser.add_argument("--login", default="oms_service")
    commands = parser.add_subparsers(dest="command", required=True)
    orders = commands.add_parser("orders", help="the latest orders of the channels")
    orders.add_argument("--routing", choices=["none", "routed", "backorder", "waiting", "hold"])
    orders.add_argument("--channel", help="an oms.channel code, e.g. webshop")
    orders.add_argument("--limit", type=int, default=20)
    order = commands.add_parser("order", help="one order: deliveries and why it was routed so")
    order.add_argument("reference", help="S00042, or the shop's order id or name")
    args = parser.parse_args(argv)
    try:
        odoo = connect(args)
    except (odoorpc.error.RPCError, OSError) as exc:
        print(f"cannot log in to {args.url} ({args.db}) as {args.login}: {exc}", file=sys.stderr)
        return 2
    return (list_orders if args.command == "orders" else show_order)(odoo, args)


if __name__ == "__main__":
    sys.exit(main())
