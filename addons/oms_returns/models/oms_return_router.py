# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where returned items go: the engine's return routing applied with Odoo's stock.

The router reads the facts (the channel's return policy, the nodes that take returns with
their label, handling and transfer costs, each SKU's sales and stock per node), asks
``oms_engine`` (``route_mail_return``, ``route_store_return``, ``decide_disposition``), records
the decision with its explanation, and applies it: a receipt per parcel with its label
requested, transfers on from a store, and after inspection the move Odoo needs for each
outcome (put away, refurbishment, back to the supplier, scrap). Small hooks, like
``oms.router``'s: an integrator overrides one step, not the whole.
"""

import time
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from odoo import Command, api, fields, models

from oms_engine import (
    Outlook,
    ReturnItem,
    ReturnNode,
    decide_disposition,
    route_mail_return,
    route_store_return,
)
from oms_engine.disposition import DispositionTerms, InspectedItem

SALES_DAYS = 28


def _dec(amount):
    return Decimal(repr(float(amount or 0.0)))


def _str(amount):
    return str(amount)


class OmsReturnRouter(models.AbstractModel):
    _name = "oms.return.router"
    _description = "OMS Return Router"

    # ------------------------------------------------------------------
    # Facts
    # ------------------------------------------------------------------
    @api.model
    def _get_nodes(self, company):
        """Nodes that may take returns: routable warehouses of the company that take them."""
        return (
            self.env["stock.warehouse"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("oms_routing_enabled", "=", True),
                    ("oms_accepts_returns", "=", True),
                ],
                order="id",
            )
        )

    @api.model
    def _node_id(self, warehouse):
        return str(warehouse.id)

    @api.model
    def _sku(self, product):
        return str(product.id)

    @api.model
    def _prepare_return_node(self, warehouse):
        return ReturnNode(
            id=self._node_id(warehouse),
            name=warehouse.name,
            parcel_cost=_dec(warehouse.oms_return_parcel_cost),
            cost_per_kg=_dec(warehouse.oms_return_cost_per_kg),
            handling_cost=_dec(warehouse.oms_return_handling_cost),
            transfer_unit_cost=_dec(warehouse.oms_transfer_unit_cost),
            accepts_returns=warehouse.oms_accepts_returns,
            triage=warehouse.oms_return_triage,
        )

    @api.model
    def _unit_value(self, product):
        """What one unit sells for new, without taxes, in the company's currency."""
        return product.lst_price

    @api.model
    def _prepare_item(self, line, condition):
        product = line.product_id
        return ReturnItem(
            sku=self._sku(product),
            quantity=round(line.quantity),
            unit_value=_dec(self._unit_value(product)),
            condition=condition,
            weight_kg=product.weight or 0.5,
            name=product.display_name,
        )

    @api.model
    def _get_outlooks(self, products, warehouses):
        """``{sku: {node: Outlook}}``: units sold a day over the last four weeks (every sale
        leaving the node for a customer, till and click & collect included) and sellable
        stock now."""
        since = fields.Datetime.now() - timedelta(days=SALES_DAYS)
        sold = (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("state", "=", "done"),
                    ("date", ">=", since),
                    ("location_dest_id.usage", "=", "customer"),
                    ("location_id.usage", "=", "internal"),
                ],
                ["location_id", "product_id"],
                ["product_qty:sum"],
            )
        )
        daily = {}
        for location, product, qty in sold:
            warehouse = location.warehouse_id
            if warehouse in warehouses:
                key = (warehouse.id, product.id)
                daily[key] = daily.get(key, 0.0) + qty / SALES_DAYS
        sellable = self.env["oms.sellable.stock"].sudo()._get_sellable(products, warehouses)
        outlooks = {}
        for product in products:
            per_node = {}
            for warehouse in warehouses:
                sales = daily.get((warehouse.id, product.id), 0.0)
                on_hand = sellable.get(warehouse, {}).get(product, 0.0)
                if sales or on_hand:
                    per_node[self._node_id(warehouse)] = Outlook(sales, on_hand)
            outlooks[self._sku(product)] = per_node
        return outlooks

    @api.model
    def _policy(self, ret, nodes):
        policy = ret.sale_order_id.oms_channel_id._oms_return_policy() if ret.channel_id else None
        if policy is None:
            from oms_engine import ReturnPolicy

            policy = ReturnPolicy(currency=ret.company_id.currency_id.name)
        if not any(node.triage for node in nodes):
            # Nowhere to repair: defective items are valued like the others.
            policy = replace(policy, triage_conditions=frozenset())
        return policy

    # ------------------------------------------------------------------
    # A mailed return
    # ------------------------------------------------------------------
    @api.model
    def _route_mail(self, ret):
        warehouses = self._get_nodes(ret.company_id)
        nodes = tuple(self._prepare_return_node(w) for w in warehouses)
        policy = self._policy(ret, nodes)
        lines = ret.line_ids
        items = tuple(self._prepare_item(line, line.condition) for line in lines)
        outlooks = self._get_outlooks(lines.product_id, warehouses)
        started = time.perf_counter()
        decision = route_mail_return(policy, ret.name, items, nodes, outlooks)
        duration = (time.perf_counter() - started) * 1000
        by_node = {self._node_id(w): w for w in warehouses}
        record = self._record_mail_decision(
            ret, decision, lines, by_node, policy, outlooks, duration
        )
        self._apply_mail(ret, decision, lines, by_node)
        return record

    @api.model
    def _record_mail_decision(self, ret, decision, lines, by_node, policy, outlooks, duration):
        entries = []
        for line, engine_line in zip(lines, decision.lines, strict=True):
            entry = {
                "line": line.id,
                "product": line.product_id.display_name,
                "qty": line.quantity,
                "action": engine_line.action,
                "code": engine_line.reason.code,
                "node": engine_line.node and int(engine_line.node),
                "value": _str(engine_line.value),
                "cost": _str(engine_line.cost),
            }
            if engine_line.reason.code == "to_node":
                entry.update(self._chance(policy, outlooks, engine_line))
            entries.append(entry)
        runner = decision.runner_up
        data = {
            "net": _str(decision.net_value),
            "parcels": [int(p.node) for p in decision.parcels],
            "lines": entries,
            "runner_up": runner
            and {
                "sell": runner.sell_node and int(runner.sell_node),
                "triage": runner.triage_node and int(runner.triage_node),
                "gap": _str(decision.net_value - runner.net_value),
            },
        }
        return self._create_decision(ret, "mail", decision.net_value, data, duration)

    @api.model
    def _chance(self, policy, outlooks, engine_line):
        outlook = outlooks.get(engine_line.sku, {}).get(engine_line.node)
        if not outlook or outlook.daily_sales <= 0:
            return {"chance": 0.0, "horizon": policy.horizon_days}
        from oms_engine.returns_model import sell_chance

        mean = outlook.daily_sales * policy.horizon_days
        ahead = int(outlook.on_hand)
        units = max(engine_line.quantity, 1)
        chance = sum(sell_chance(mean, ahead + k) for k in range(units)) / units
        return {"chance": round(chance, 4), "horizon": policy.horizon_days}

    @api.model
    def _create_decision(self, ret, kind, net, data, duration):
        record = (
            self.env["oms.return.decision"]
            .sudo()
            .create(
                {
                    "return_id": ret.id,
                    "kind": kind,
                    "net_value": float(net),
                    "data": data,
                    "duration_ms": duration,
                }
            )
        )
        record.with_env(self.env)._oms_log()
        return record

    @api.model
    def _apply_mail(self, ret, decision, lines, by_node):
        parcels = {p.node: p for p in decision.parcels}
        units = {}
        for engine_line in decision.lines:
            if engine_line.action == "send":
                units[engine_line.node] = units.get(engine_line.node, 0) + engine_line.quantity
        by_parcel = {}
        for line, engine_line in zip(lines, decision.lines, strict=True):
            vals = {"unit_value": self._unit_value(line.product_id)}
            if engine_line.action == "keep":
                vals.update(action="keep", routing_value=0.0)
            else:
                warehouse = by_node[engine_line.node]
                handling = warehouse.oms_return_handling_cost * line.quantity
                label_share = float(parcels[engine_line.node].label_cost) * (
                    engine_line.quantity / units[engine_line.node]
                )
                vals.update(
                    action="triage" if engine_line.reason.code == "to_triage" else "send",
                    warehouse_id=warehouse.id,
                    routing_value=float(engine_line.value),
                    handling_cost=handling,
                    shipping_cost=max(float(engine_line.cost) - handling, 0.0) + label_share,
                )
                by_parcel.setdefault(warehouse, self.env["oms.return.line"])
                by_parcel[warehouse] |= line
            line.write(vals)
        for warehouse, parcel_lines in by_parcel.items():
            picking = self._create_receipt(ret, warehouse, parcel_lines)
            self._request_label(ret, picking, warehouse)
        kept = lines.filtered(lambda line: line.action == "keep")
        if kept:
            ret._oms_pay_back(kept, keep=True)

    @api.model
    def _create_receipt(self, ret, warehouse, lines, destination=None, done=False):
        """The receipt of ``lines`` from the customer at ``warehouse``: into its returns
        location (not sellable until inspected) unless ``destination`` says otherwise. Linked
        to the order lines (``to_refund``), so their delivered quantities go down when it is
        done, as with Odoo's own returns."""
        return self._move(
            ret,
            lines,
            self.env.ref("stock.stock_location_customers"),
            destination or warehouse._oms_returns_location(),
            warehouse.in_type_id,
            partner=ret.sale_order_id.partner_shipping_id,
            done=done,
            move_vals=lambda line: {
                "sale_line_id": line.sale_line_id.id,
                "to_refund": True,
                "origin_returned_move_id": line.sale_line_id._oms_delivered_moves()[-1:].id,
            },
        )

    @api.model
    def _validate(self, picking):
        picking = picking.sudo()
        picking.action_assign()
        for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_backorder=True, skip_sms=True)._action_done()
        return picking

    @api.model
    def _request_label(self, ret, picking, warehouse):
        """A return label from the customer to ``warehouse``, bought by the sync service."""
        order = ret.sale_order_id
        return self.env["oms.label.request"]._oms_request(
            picking.sudo(),
            f"{ret.key}:label:{warehouse.id}"[:120],
            "return",
            order.partner_shipping_id,
            warehouse.partner_id or ret.company_id.partner_id,
            reference=ret.name,
            oms_return_id=ret.id,
        )

    # ------------------------------------------------------------------
    # A return at a store
    # ------------------------------------------------------------------
    @api.model
    def _route_store(self, ret):
        store = ret.store_id
        warehouses = self._get_nodes(ret.company_id) | store.sudo()
        nodes = tuple(self._prepare_return_node(w) for w in warehouses.sorted("id"))
        policy = self._policy(ret, nodes)
        lines = ret.line_ids
        items = tuple(self._prepare_item(line, line.condition) for line in lines)
        outlooks = self._get_outlooks(lines.product_id, warehouses)
        started = time.perf_counter()
        decision = route_store_return(
            policy, ret.name, self._node_id(store), items, nodes, outlooks
        )
        duration = (time.perf_counter() - started) * 1000
        by_node = {self._node_id(w): w for w in warehouses}
        placements = self._split_lines(ret, lines, items, decision)
        data = {
            "store": store.id,
            "net": _str(decision.net_value),
            "lines": [
                {
                    "line": line.id,
                    "product": line.product_id.display_name,
                    "qty": engine_line.quantity,
                    "action": engine_line.action,
                    "node": int(engine_line.node),
                    "value": _str(engine_line.value),
                    "cost": _str(engine_line.cost),
                    "runner_up": engine_line.runner_up
                    and {
                        "node": int(engine_line.runner_up.params["node"]),
                        "gap": _str(engine_line.runner_up.params["gap"]),
                    },
                }
                for line, engine_line in placements
            ],
        }
        record = self._create_decision(ret, "store", decision.net_value, data, duration)
        self._apply_store(ret, placements, by_node)
        return record

    @api.model
    def _split_lines(self, ret, lines, items, decision):
        """``[(return line, engine line)]``: a line whose units go to several places is split
        into one return line per place."""
        by_sku = {}
        for line, item in zip(lines, items, strict=True):
            by_sku.setdefault(item.sku, []).append([line, item.quantity])
        placements = []
        for engine_line in decision.lines:
            queue = by_sku[engine_line.sku]
            entry = next(e for e in queue if e[1] > 0)
            line = entry[0]
            if engine_line.quantity < entry[1] or any(p[0] == line for p in placements):
                if any(p[0] == line for p in placements):
                    line = line.copy({"return_id": ret.id, "quantity": engine_line.quantity})
                else:
                    line.quantity = engine_line.quantity
                    entry[0] = line
            entry[1] -= engine_line.quantity
            placements.append((line, engine_line))
        return placements

    @api.model
    def _apply_store(self, ret, placements, by_node):
        store = ret.store_id
        store_returns = store._oms_returns_location()
        receipt_lines = self.env["oms.return.line"]
        for line, engine_line in placements:
            node = by_node[engine_line.node]
            handling = node.oms_return_handling_cost * line.quantity
            line.write(
                {
                    "action": engine_line.action,
                    "warehouse_id": node.id,
                    "routing_value": float(engine_line.value),
                    "unit_value": self._unit_value(line.product_id),
                    "handling_cost": handling,
                    "shipping_cost": max(float(engine_line.cost) - handling, 0.0),
                    "grade": line.condition,
                }
            )
            receipt_lines |= line
        # The goods are at the till: received now, into the store's returns location.
        self._create_receipt(ret, store, receipt_lines, destination=store_returns, done=True)
        for line, engine_line in placements:
            node = by_node[engine_line.node]
            if engine_line.action == "stay":
                self._move(
                    ret, line, store_returns, store.lot_stock_id, store.int_type_id, done=True
                )
                line.write({"disposition": "resell", "disposition_value": line.routing_value})
            elif engine_line.action == "transfer":
                self._move(ret, line, store_returns, node.lot_stock_id, store.int_type_id)
                line.write({"disposition": "resell", "disposition_value": line.routing_value})
            else:
                # To triage: inspected there, then disposed of.
                self._move(
                    ret, line, store_returns, node._oms_returns_location(), store.int_type_id
                )
                line.grade = False

    # ------------------------------------------------------------------
    # After inspection
    # ------------------------------------------------------------------
    @api.model
    def _dispose(self, ret, lines):
        """Decide and apply the outcome of each inspected line (``grade`` set)."""
        policy = self._policy(
            ret, tuple(self._prepare_return_node(w) for w in self._get_nodes(ret.company_id))
        )
        outlooks = self._get_outlooks(lines.product_id, lines.warehouse_id)
        entries = []
        net = Decimal(0)
        started = time.perf_counter()
        decisions = []
        for line in lines:
            product = line.product_id
            item = InspectedItem(
                sku=self._sku(product),
                quantity=round(line.quantity),
                grade=line.grade,
                unit_value=_dec(line.unit_value or self._unit_value(product)),
                name=product.display_name,
            )
            outlook = outlooks.get(item.sku, {}).get(self._node_id(line.warehouse_id))
            decisions.append(decide_disposition(policy, item, self._terms(product), outlook))
        duration = (time.perf_counter() - started) * 1000
        for line, decision in zip(lines, decisions, strict=True):
            options = [
                {"outcome": o.outcome, "allowed": o.allowed, "value": _str(o.value)}
                for o in decision.options
            ]
            entries.append(
                {
                    "line": line.id,
                    "product": line.product_id.display_name,
                    "qty": line.quantity,
                    "grade": line.grade,
                    "outcome": decision.outcome,
                    "value": _str(decision.value),
                    "options": options,
                }
            )
            net += decision.value
            line.write(
                {
                    "disposition": decision.outcome,
                    "disposition_value": float(decision.value),
                    "disposition_options": options,
                }
            )
            self._apply_disposition(ret, line)
        return self._create_decision(ret, "disposition", net, {"lines": entries}, duration)

    @api.model
    def _terms(self, product):
        return DispositionTerms(
            vendor_credit=_dec(product.oms_vendor_credit) if product.oms_vendor_credit else None,
            refurbish_cost=_dec(product.oms_refurbish_cost) if product.oms_refurbish_cost else None,
            scrap_value=_dec(product.oms_scrap_value),
        )

    @api.model
    def _apply_disposition(self, ret, line):
        """The stock move each outcome needs, from the returns location where it waits."""
        warehouse = line.warehouse_id
        source = warehouse._oms_returns_location()
        if line.disposition == "resell":
            self._move(ret, line, source, warehouse.lot_stock_id, warehouse.int_type_id)
        elif line.disposition == "refurbish":
            self._move(
                ret, line, source, warehouse._oms_refurbish_location(), warehouse.int_type_id
            )
        elif line.disposition == "return_to_vendor":
            vendor = line.product_id.seller_ids[:1].partner_id
            self._move(
                ret,
                line,
                source,
                self.env.ref("stock.stock_location_suppliers"),
                warehouse.out_type_id,
                partner=vendor,
            )
        else:
            scrap = (
                self.env["stock.scrap"]
                .sudo()
                .create(
                    {
                        "product_id": line.product_id.id,
                        "scrap_qty": line.quantity,
                        "product_uom_id": line.sale_line_id.product_uom.id,
                        "location_id": source.id,
                        "origin": ret.name,
                        "company_id": ret.company_id.id,
                        "oms_return_line_id": line.id,
                    }
                )
            )
            scrap.action_validate()

    @api.model
    def _move(
        self,
        ret,
        lines,
        source,
        destination,
        picking_type,
        partner=None,
        done=False,
        move_vals=None,
    ):
        """One picking of ``lines`` of ``ret`` from ``source`` to ``destination``, confirmed
        (and validated when ``done``); ``move_vals(line)``: more values of a line's move."""
        picking = (
            self.env["stock.picking"]
            .sudo()
            .with_company(ret.company_id)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id if partner else False,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "origin": f"{ret.name} ({ret.sale_order_id.name})",
                    "oms_return_id": ret.id,
                    "company_id": ret.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": line.product_id.display_name,
                                "product_id": line.product_id.id,
                                "product_uom_qty": line.quantity,
                                "product_uom": line.sale_line_id.product_uom.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "oms_return_line_id": line.id,
                                "picking_type_id": picking_type.id,
                                "company_id": ret.company_id.id,
                                **(move_vals(line) if move_vals else {}),
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        picking.action_confirm()
        picking.action_assign()
        if done:
            self._validate(picking)
        return picking.with_env(self.env)
