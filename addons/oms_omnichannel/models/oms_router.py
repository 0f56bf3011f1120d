import dataclasses
import logging
import time as _time
from collections import defaultdict
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.tools import float_is_zero

from .oms_network import engine

_logger = logging.getLogger(__name__)


def _to_odoo_datetime(day, at, tz_name):
    """A date at a local time of a node, as the naive UTC datetime Odoo stores."""
    if not day:
        return False
    try:
        tz = ZoneInfo(tz_name or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class RoutingRun:
    """What the router shares with the stock moves of one procurement run (in the context as
    ``oms_routing_run``).

    ``new_group_ids``: procurement groups the router created for the run; their deliveries
    are all made by the run, in one batch per ``stock.move._action_confirm`` (``confirming``
    is the stack of the moves being confirmed), and remembered in ``pickings`` (Odoo's
    assignment key -> picking; ``new_picking_ids`` those no move was assigned to yet), so
    finding one to join needs no search. Kept for after the run, in one batch each:
    ``origin_notes``, (delivery, order) pairs whose "created from" note is logged, and
    ``subscriptions``, the followers the new deliveries subscribe.
    """

    __slots__ = (
        "confirming",
        "new_group_ids",
        "new_picking_ids",
        "origin_notes",
        "pickings",
        "subscriptions",
    )

    def __init__(self, new_group_ids=()):
        self.new_group_ids = frozenset(new_group_ids)
        self.confirming = []
        self.pickings = {}
        self.new_picking_ids = set()
        self.origin_notes = []
        self.subscriptions = []


class OmsRouter(models.AbstractModel):
    """Routes sale order lines: Odoo records -> engine snapshot -> plan -> procurements.

    Steps are small hooks (``_get_demand``, ``_prepare_engine_order``, ``_apply_plan``, ...)
    so an integration can change one without copying the rest.
    """

    _name = "oms.router"
    _description = "Order Router"

    # ------------------------------------------------------------------ entry point

    @api.model
    def _route_lines(self, lines, trigger="confirm", excluded_warehouses=None):
        """Route what is still to procure of ``lines``, order by order.

        Returns the decisions created (none for orders with nothing left to route).
        """
        decisions = self.env["oms.routing.decision"]
        for order in lines.order_id.sorted("id"):
            order_lines = lines.filtered(lambda line, order=order: line.order_id == order)
            decision = self.with_company(order.company_id)._route_order(
                order, order_lines, trigger, excluded_warehouses or self.env["stock.warehouse"]
            )
            decisions |= decision
        return decisions

    @api.model
    def _route_order(self, order, lines, trigger, excluded_warehouses):
        demand = self._get_demand(lines)
        if not demand:
            return self.env["oms.routing.decision"]
        products = self.env["product.product"].concat(*demand)
        started = _time.perf_counter()
        # Lock first: the stock read below must not be shared with a concurrent routing.
        self.env["oms.sellable.stock"]._lock_products(products)
        policy = order._oms_get_sourcing_policy()
        network_model = self.env["oms.network"]
        network = network_model._get_network(order.company_id, policy)
        network_model._ensure_products(network, products)
        warehouses = network_model._get_nodes(order.company_id)
        stock = self._get_engine_stock(order, products, warehouses)
        engine_order = self._prepare_engine_order(order, demand, excluded_warehouses, warehouses)
        try:
            plan = engine.route(network, engine_order, stock)
        except Exception as error:
            # The engine is pure (no side effect to undo): fall back to Odoo's standard
            # procurement, loudly.
            _logger.exception("Routing of %s failed", order.name)
            order.message_post(
                body=self.env._(
                    "Routing failed (%(error)s): the order ships the standard way, "
                    "from its warehouse.",
                    error=error,
                )
            )
            self._launch_standard(lines)
            return self.env["oms.routing.decision"]
        duration_ms = (_time.perf_counter() - started) * 1000.0
        if trigger == "retry" and plan.status != "complete":
            # Still waiting: the cron asks again later; no new decision for every attempt.
            return self.env["oms.routing.decision"]
        decision = self._create_decision(
            order, plan, policy, trigger, excluded_warehouses, warehouses, duration_ms
        )
        self._apply_plan(order, plan, decision, demand, warehouses)
        return decision

    # ------------------------------------------------------------------ snapshot

    @api.model
    def _get_demand(self, lines):
        """What is still to procure, per product then per line, in the product's unit.

        Lines whose quantity is not a whole number of product units are left to Odoo's
        standard procurement (the engine sources whole units).
        """
        demand = defaultdict(dict)
        rounding = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        standard = self.env["sale.order.line"]
        for line in lines:
            todo = line.product_uom_qty - line._get_qty_procurement()
            if float_is_zero(todo, precision_digits=rounding) or todo < 0:
                continue
            qty = line.product_uom._compute_quantity(todo, line.product_id.uom_id)
            if not float_is_zero(qty - round(qty), precision_digits=rounding):
                standard |= line
                continue
            demand[line.product_id][line] = round(qty)
        if standard:
            self._launch_standard(standard)
        return demand

    @api.model
    def _get_engine_stock(self, order, products, warehouses):
        """Sellable stock as the engine reads it: ``{sku: {node: qty}}``, whole units."""
        channel = order.oms_channel_id
        allowed = (channel.warehouse_ids & warehouses) if channel.warehouse_ids else warehouses
        return self.env["oms.sellable.stock"]._get_engine_stock(
            products, allowed, channel.safety_stock
        )

    @api.model
    def _prepare_engine_order(self, order, demand, excluded_warehouses, warehouses):
        network_model = self.env["oms.network"]
        partner = order.partner_shipping_id
        country = partner.country_id or order.company_id.country_id
        lat = lon = None
        if "partner_latitude" in partner._fields and (
            partner.partner_latitude or partner.partner_longitude
        ):
            lat, lon = partner.partner_latitude, partner.partner_longitude
        excluded = excluded_warehouses | self._get_warehouses_at_capacity(warehouses)
        pickup = order.oms_delivery_mode == "pickup" and order.oms_pickup_warehouse_id
        return engine.Order(
            id=str(order.id),
            lines=tuple(
                engine.OrderLine(sku=network_model._sku(product), quantity=sum(qty.values()))
                for product, qty in sorted(demand.items(), key=lambda item: item[0].id)
            ),
            destination=engine.Destination(
                country=(country.code or "").upper(),
                postal_code=partner.zip or "",
                lat=lat,
                lon=lon,
            ),
            order_time=fields.Datetime.now().replace(tzinfo=timezone.utc),
            service_level=order.oms_service_level or "standard",
            delivery_mode="pickup" if pickup else "ship",
            pickup_node=network_model._node_id(pickup) if pickup else None,
            allow_split=order.oms_allow_split,
            excluded_nodes=frozenset(network_model._node_id(wh) for wh in (excluded & warehouses)),
        )

    @api.model
    def _get_warehouses_at_capacity(self, warehouses):
        """Nodes whose deliveries created today reached their daily capacity.

        The cached network cannot carry a load that changes with every order, so full nodes
        are excluded per order instead.
        """
        limited = self.env["oms.network"]._get_capacity_limited(warehouses)
        if not limited:
            return self.env["stock.warehouse"]
        today = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        counts = dict(
            self.env["stock.picking"]._read_group(
                [
                    ("picking_type_id.warehouse_id", "in", limited.ids),
                    ("oms_shipment_kind", "in", ("ship", "pickup")),
                    ("create_date", ">=", today),
                    ("state", "!=", "cancel"),
                ],
                ["picking_type_id"],
                ["__count"],
            )
        )
        load = defaultdict(int)
        for picking_type, count in counts.items():
            load[picking_type.warehouse_id] += count
        return limited.filtered(lambda wh: load[wh] >= wh.oms_daily_capacity)

    # ------------------------------------------------------------------ decision

    @api.model
    def _create_decision(
        self, order, plan, policy, trigger, excluded_warehouses, warehouses, duration_ms
    ):
        if order.oms_decision_id:
            order.oms_decision_ids.filtered("is_current").is_current = False
        by_node = self.env["oms.network"]._get_warehouse_by_node(warehouses)
        line_vals = self._prepare_decision_line_vals(plan, by_node)
        deliveries = [s for s in plan.shipments if s.kind != "transfer"]
        return self.env["oms.routing.decision"].create(
            {
                "sale_order_id": order.id,
                "policy_id": policy.id,
                "trigger": trigger,
                "status": plan.status,
                "method": plan.method,
                "score": plan.score.total,
                "cost": plan.score.cost_amount,
                "package_count": plan.score.package_count,
                "is_split": len(deliveries) > 1,
                "excluded_warehouse_ids": [fields.Command.set(excluded_warehouses.ids)]
                if excluded_warehouses
                else [],
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
                "explanation": self._explain(plan, by_node),
                "duration_ms": duration_ms,
            }
        )

    @api.model
    def _prepare_decision_line_vals(self, plan, by_node):
        Product = self.env["product.product"]
        vals_list = []
        for index, shipment in enumerate(plan.shipments, start=1):
            node = by_node.get(shipment.node)
            tz = self._timezone(node) if node else "UTC"
            carrier = self._carrier_of(shipment)
            for position, line in enumerate(shipment.lines):
                kind = "transfer" if shipment.kind == "transfer" else "shipment"
                vals_list.append(
                    {
                        "kind": kind,
                        "shipment_index": index,
                        "warehouse_id": (
                            by_node[shipment.to_node].id
                            if kind == "transfer" and shipment.to_node in by_node
                            else node.id
                            if node
                            else False
                        ),
                        "source_warehouse_id": node.id if kind == "transfer" and node else False,
                        "carrier_id": carrier.id,
                        "product_id": Product.browse(int(line.sku)).id,
                        "quantity": line.quantity,
                        "ship_date": _to_odoo_datetime(shipment.ship_date, time(12), tz),
                        "promised_date": _to_odoo_datetime(shipment.promised_date, time(12), tz),
                        "cost": shipment.cost if position == 0 else 0.0,
                    }
                )
        for missing in plan.unfulfilled:
            vals_list.append(
                {
                    "kind": "unfulfilled",
                    "product_id": Product.browse(int(missing.sku)).id,
                    "quantity": missing.quantity,
                    "reason": missing.reason,
                    "reason_text": self._reason_text(missing.reason),
                }
            )
        return vals_list

    @api.model
    def _timezone(self, warehouse):
        """Local time zone of a node, the one the engine planned its dates in."""
        return self.env["oms.network"]._get_timezone(warehouse)

    @api.model
    def _carrier_of(self, shipment):
        # Service ids are carrier ids of the network the plan was made with.
        if shipment.carrier_service and shipment.carrier_service.isdigit():
            return self.env["delivery.carrier"].browse(int(shipment.carrier_service))
        return self.env["delivery.carrier"]

    @api.model
    def _reason_text(self, reason):
        texts = {
            "out_of_stock": self.env._("no node has it in stock"),
            "insufficient_stock": self.env._("not enough stock in the network"),
            "no_eligible_node": self.env._("no node may ship it (see the rules below)"),
            "unknown_sku": self.env._("the product is unknown to the router"),
            "split_not_allowed": self.env._("the order may not be split"),
            "max_packages": self.env._("the policy's package limit is reached"),
            "not_worth_shipping": self.env._("an extra package would cost more than it is worth"),
            "pickup_node_unavailable": self.env._("the pickup store cannot take pickups"),
            "no_carrier_service": self.env._("no carrier service reaches the destination"),
            "no_carrier_for_product_class": self.env._("no carrier accepts the product's class"),
            "dangerous_goods_not_certified": self.env._("no node is certified for dangerous goods"),
            "bulky_not_allowed": self.env._("no node may ship bulky goods"),
            "bulky_too_far": self.env._("beyond the maximum distance for bulky goods"),
            "bulky_distance_unknown": self.env._("the address has no coordinates (bulky goods)"),
        }
        return texts.get(reason, reason)

    @api.model
    def _compare_scores(self, other, chosen):
        """How a rejected plan is worse than the chosen one, in the retailer's words."""
        parts = []
        units = other.unfulfilled_units - chosen.unfulfilled_units
        if units > 0:
            parts.append(self.env._("%(n)s unit(s) left unsourced", n=units))
        packages = other.package_count - chosen.package_count
        if packages > 0:
            parts.append(self.env._("%(n)s more package(s)", n=packages))
        cost = other.cost_amount - chosen.cost_amount
        if cost > 0.005:
            parts.append(self.env._("costs %(amount).2f more", amount=cost))
        late = other.late_days - chosen.late_days
        if late > 0:
            parts.append(self.env._("%(n)s day(s) later", n=late))
        distance = other.distance_km - chosen.distance_km
        if distance >= 1:
            parts.append(self.env._("%(km).0f km farther", km=distance))
        return ", ".join(parts)

    @api.model
    def _explain(self, plan, by_node):
        """The plan in words, one statement per line (rendered as paragraphs on the order)."""
        names = self.env["oms.network"]._get_node_names(by_node)
        skus = {line.sku for shipment in plan.shipments for line in shipment.lines}
        skus |= {missing.sku for missing in plan.unfulfilled}
        skus |= {exclusion.sku for exclusion in plan.explanation.excluded if exclusion.sku}
        products = self.env["product.product"].browse(int(sku) for sku in skus if sku.isdigit())
        product_names = {str(product.id): product.display_name for product in products}

        def product_name(sku):
            return product_names.get(sku, sku)

        def items(lines):
            return ", ".join(f"{line.quantity} x {product_name(line.sku)}" for line in lines)

        out = []
        deliveries = [s for s in plan.shipments if s.kind != "transfer"]
        if deliveries:
            out.append(
                self.env._(
                    "%(count)s shipment(s) from %(nodes)s; everything arrives by %(date)s.",
                    count=len(deliveries),
                    nodes=", ".join(names.get(s.node, s.node) for s in deliveries),
                    date=plan.promised_date or "-",
                )
            )
        for shipment in plan.shipments:
            where = names.get(shipment.node, shipment.node)
            if shipment.kind == "transfer":
                out.append(
                    self.env._(
                        "%(src)s sends %(items)s to %(store)s (arrives %(date)s).",
                        src=where,
                        items=items(shipment.lines),
                        store=names.get(shipment.to_node, shipment.to_node),
                        date=shipment.promised_date,
                    )
                )
            elif shipment.kind == "pickup":
                out.append(
                    self.env._(
                        "%(store)s hands over %(items)s; ready on %(date)s.",
                        store=where,
                        items=items(shipment.lines),
                        date=shipment.promised_date,
                    )
                )
            else:
                out.append(
                    self.env._(
                        "%(node)s ships %(items)s with %(carrier)s on %(ship)s, "
                        "arriving %(date)s (%(packages)s package(s), cost %(cost).2f).",
                        node=where,
                        items=items(shipment.lines),
                        carrier=shipment.carrier or "-",
                        ship=shipment.ship_date,
                        date=shipment.promised_date,
                        packages=shipment.packages,
                        cost=shipment.cost,
                    )
                )
        for missing in plan.unfulfilled:
            out.append(
                self.env._(
                    "Not sourced: %(qty)s x %(product)s - %(why)s.",
                    qty=missing.quantity,
                    product=product_name(missing.sku),
                    why=self._reason_text(missing.reason),
                )
            )
        explanation = plan.explanation
        excluded = defaultdict(list)
        for exclusion in explanation.excluded:
            text = exclusion.detail or exclusion.rule
            if exclusion.sku:
                text = f"{product_name(exclusion.sku)}: {text}"
            excluded[exclusion.node].append(text)
        for node, reasons in sorted(excluded.items()):
            out.append(
                self.env._(
                    "Not used: %(node)s - %(reasons)s.",
                    node=names.get(node, node),
                    reasons="; ".join(reasons),
                )
            )
        for runner_up in explanation.runners_up:
            out.append(
                self.env._(
                    "Runner-up: %(nodes)s - %(worse)s (score %(delta)+.2f).",
                    nodes=" + ".join(names.get(n, n) for n in runner_up.nodes),
                    worse=self._compare_scores(runner_up.score, plan.score) or runner_up.reason,
                    delta=runner_up.score.total - plan.score.total,
                )
            )
        out.extend(explanation.notes)
        if plan.method != "exact":
            out.append(
                self.env._("The search budget ran out: the plan comes from the greedy fallback.")
            )
        return "\n".join(out)

    # ------------------------------------------------------------------ applying the plan

    @api.model
    def _apply_plan(self, order, plan, decision, demand, warehouses):
        """Turn the plan into procurements: one per source warehouse and quantity, so each
        source gets its own delivery with its carrier and dates."""
        behaviour = order.oms_channel_id.unfulfillable_behaviour or "backorder"
        if plan.status != "complete" and behaviour in ("wait", "hold"):
            # Nothing is released: reserving part of an order that waits would block the
            # stock for other orders.
            order.write(
                {
                    "oms_routing_state": "waiting" if behaviour == "wait" else "hold",
                    "oms_decision_id": decision.id,
                }
            )
            if behaviour == "hold":
                self._schedule_hold_activity(order, decision)
            return
        by_node = self.env["oms.network"]._get_warehouse_by_node(warehouses)
        # A first confirmation: the group is created below, so it has no delivery yet.
        new_group = not order.procurement_group_id
        remaining = {product: dict(per_line) for product, per_line in demand.items()}
        procurements = []
        placed = []  # (warehouse, shipment) whose pickings get carrier and dates
        transfers = []
        for shipment in plan.shipments:
            if shipment.kind == "transfer":
                transfers.append(shipment)
                # The goods still leave the pickup store to the customer.
                warehouse = by_node[shipment.to_node]
            else:
                warehouse = by_node[shipment.node]
            if shipment.kind == "delivery":
                placed.append((warehouse, shipment))
            elif warehouse not in [placed_wh for placed_wh, _s in placed]:
                # One handover at the store, ready when the last transfer has arrived.
                handover = dataclasses.replace(
                    shipment,
                    kind="pickup",
                    node=shipment.to_node or shipment.node,
                    to_node=None,
                    carrier_service="",
                    carrier="",
                    promised_date=plan.promised_date or shipment.promised_date,
                )
                placed.append((warehouse, handover))
            tz = self._timezone(warehouse)
            date_planned = _to_odoo_datetime(shipment.ship_date, time(8), tz)
            date_deadline = _to_odoo_datetime(
                plan.promised_date if shipment.kind == "transfer" else shipment.promised_date,
                time(12),
                tz,
            )
            if shipment.kind == "transfer":
                date_planned = date_deadline
            for engine_line in shipment.lines:
                product = self.env["product.product"].browse(int(engine_line.sku))
                for line, qty in self._take(remaining, product, engine_line.quantity):
                    procurements += self._prepare_procurements(
                        line, qty, warehouse, date_planned, date_deadline
                    )
        leftovers = [
            (line, qty) for per_line in remaining.values() for line, qty in per_line.items() if qty
        ]
        backorder_warehouse = (
            order.oms_pickup_warehouse_id if order.oms_delivery_mode == "pickup" else None
        )
        for line, qty in leftovers:
            # Backorder: Odoo's own way, from the order's warehouse (the pickup store for
            # click & collect), waiting for replenishment.
            procurements += self._prepare_procurements(
                line, qty, backorder_warehouse or line.warehouse_id
            )
        if procurements:
            picking_values = tuple(
                (
                    warehouse.id,
                    tuple(self._prepare_picking_vals(warehouse, shipment, decision).items()),
                )
                for warehouse, shipment in placed
            )
            run = RoutingRun(order.procurement_group_id.ids if new_group else ())
            self.env["procurement.group"].with_context(
                oms_picking_values=picking_values, oms_routing_run=run
            ).run(procurements)
            self.env["stock.picking"]._oms_subscribe_kept(run.subscriptions)
            self._log_origin_notes(run)
        self._tag_pickings(order, plan, decision, placed, by_node)
        for shipment in transfers:
            self._create_transfer(order, shipment, decision, by_node, plan)
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("cancel", "done"))
        if pickings:
            pickings.action_confirm()
        self._write_order_result(order, plan, decision, leftovers)

    @api.model
    def _log_origin_notes(self, run):
        """The "created from" notes of the run's new deliveries, one batch per order."""
        by_origin = defaultdict(list)
        for picking, origin in run.origin_notes:
            by_origin[origin].append(picking.id)
        for origin, picking_ids in by_origin.items():
            self.env["stock.picking"].browse(picking_ids)._oms_log_origin_note(origin)

    @api.model
    def _take(self, remaining, product, quantity):
        """Spread ``quantity`` of ``product`` over the order lines that still need it."""
        taken = []
        per_line = remaining.get(product, {})
        for line in sorted(per_line, key=lambda line: (line.sequence, line.id)):
            if quantity <= 0:
                break
            qty = min(per_line[line], quantity)
            if qty > 0:
                per_line[line] -= qty
                quantity -= qty
                taken.append((line, qty))
        return taken

    @api.model
    def _get_procurement_group(self, line):
        group = line._get_procurement_group()
        if not group:
            group = self.env["procurement.group"].create(line._prepare_procurement_group_vals())
            line.order_id.procurement_group_id = group
        return group

    @api.model
    def _prepare_procurements(self, line, qty, warehouse, date_planned=None, date_deadline=None):
        """Procurements of ``qty`` (product unit) of ``line`` from ``warehouse``."""
        line = line.with_company(line.company_id)
        group = self._get_procurement_group(line)
        values = line._prepare_procurement_values(group_id=group)
        values["warehouse_id"] = warehouse
        if date_planned:
            values["date_planned"] = date_planned
        if date_deadline:
            values["date_deadline"] = date_deadline
        order = line.order_id
        origin = (
            f"{order.name} - {order.client_order_ref}" if order.client_order_ref else order.name
        )
        return line._create_procurements(qty, line.product_id.uom_id, origin, values)

    @api.model
    def _launch_standard(self, lines):
        """Odoo's standard procurement, for what the router leaves alone."""
        return lines.with_context(oms_skip_routing=True)._action_launch_stock_rule()

    @api.model
    def _prepare_picking_vals(self, warehouse, shipment, decision):
        """What a source's delivery carries: decision, promised date, role and carrier."""
        return {
            "oms_decision_id": decision.id,
            "oms_promised_date": _to_odoo_datetime(
                shipment.promised_date, time(12), self._timezone(warehouse)
            ),
            "oms_shipment_kind": "pickup" if shipment.kind == "pickup" else "ship",
            "carrier_id": self._carrier_of(shipment).id,
        }

    @api.model
    def _tag_pickings(self, order, plan, decision, placed, by_node):
        """Tag the deliveries Odoo reused instead of creating: new ones are born tagged.

        Reuse needs an open picking of the order at the same source, so a first
        confirmation has none to look for.
        """
        if decision.trigger == "confirm":
            return
        untagged = order.picking_ids.filtered(
            lambda p: p.state not in ("cancel", "done") and not p.oms_decision_id
        )
        for warehouse, shipment in placed:
            pickings = untagged.filtered(
                lambda p, wh=warehouse: p.picking_type_id.warehouse_id == wh
            )
            if not pickings:
                continue
            vals = self._prepare_picking_vals(warehouse, shipment, decision)
            carrier_id = vals.pop("carrier_id")
            pickings.write(vals)
            pickings.filtered(lambda p: p.picking_type_code == "outgoing").write(
                {"carrier_id": carrier_id}
            )

    @api.model
    def _create_transfer(self, order, shipment, decision, by_node, plan):
        """An internal transfer that brings the goods of a click & collect order to the store.

        The store's pickup delivery reserves them when the transfer is validated (Odoo
        re-checks waiting deliveries of the products that arrived).
        """
        source = by_node[shipment.node]
        store = by_node[shipment.to_node]
        tz = self._timezone(source)
        date = _to_odoo_datetime(shipment.ship_date, time(8), tz)
        group = order.procurement_group_id
        carrier = self._carrier_of(shipment)
        moves = []
        for engine_line in shipment.lines:
            product = self.env["product.product"].browse(int(engine_line.sku))
            moves.append(
                fields.Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": engine_line.quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": source.lot_stock_id.id,
                        "location_dest_id": store.lot_stock_id.id,
                        "group_id": group.id,
                        "date": date,
                        "company_id": order.company_id.id,
                    }
                )
            )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": source.int_type_id.id,
                "location_id": source.lot_stock_id.id,
                "location_dest_id": store.lot_stock_id.id,
                "origin": order.name,
                "group_id": group.id,
                "scheduled_date": date,
                "company_id": order.company_id.id,
                "carrier_id": carrier.id,
                "oms_decision_id": decision.id,
                "oms_promised_date": _to_odoo_datetime(shipment.promised_date, time(12), tz),
                "oms_shipment_kind": "transfer",
                "move_ids": moves,
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    @api.model
    def _write_order_result(self, order, plan, decision, leftovers):
        pickup = order.oms_delivery_mode == "pickup"
        if pickup:
            store = order.oms_pickup_warehouse_id
            promised = _to_odoo_datetime(plan.promised_date, time(12), self._timezone(store))
        else:
            # The lines the decision was created with (in the cache): searching its
            # shipment lines again would cost a query per order.
            dates = [dl.promised_date for dl in decision.line_ids if dl.kind == "shipment"]
            if decision.trigger != "confirm":
                # Part of the order was (re-)routed - a quantity added or arrived, a node's
                # deliveries moved: those left alone keep their dates, and the order arrives
                # with the last of its open deliveries.
                dates += order.picking_ids.filtered(
                    lambda p: (
                        p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
                    )
                ).mapped("oms_promised_date")
            promised = max(filter(None, dates), default=False)
        order.write(
            {
                "oms_decision_id": decision.id,
                "oms_routing_state": "backorder" if leftovers else "routed",
                "oms_promised_date": promised,
                "oms_ready_date": promised if pickup else False,
            }
        )

    @api.model
    def _schedule_hold_activity(self, order, decision):
        missing = decision.unfulfilled_line_ids
        note = self.env._(
            "Routing could not source %(items)s. Decide: re-route, change or cancel the order.",
            items=", ".join(
                f"{line.quantity:g} x {line.product_id.display_name}" for line in missing
            ),
        )
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Order on hold: stock missing"),
            note=note,
            user_id=order.user_id.id or self.env.uid,
        )
