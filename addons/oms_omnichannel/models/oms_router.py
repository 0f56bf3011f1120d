import dataclasses
import logging
import time as _time
from collections import defaultdict
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from markupsafe import Markup
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


class RoutingNotes:
    """The notes a routing leaves in the chatter (in the context as ``oms_routing_notes``):
    the new deliveries' "created from" notes wait for the decisions' notes, and all are
    logged in one batch at the end of ``_route_lines``. Once ``open`` is False (logged), a
    record still carrying this context logs at once."""

    __slots__ = ("entries", "open")

    def __init__(self):
        self.entries = []
        self.open = True


class OmsRouter(models.AbstractModel):
    """Routes sale order lines: Odoo records -> engine snapshot -> plan -> procurements.

    Steps are small hooks (``_get_demand``, ``_prepare_engine_order``, ``_apply_plan``, ...)
    so an integration can change one without copying the rest.
    """

    _name = "oms.router"
    _description = "Order Router"

    # ------------------------------------------------------------------ entry point

    @api.model
    def _route_lines(self, lines, trigger="confirm", excluded_warehouses=None, changes=None):
        """Route what is still to procure of ``lines``, order by order.

        ``changes``: ``{order id: [statement, ...]}``, what changed before this routing, in
        the statements of ``oms.routing.explanation`` (the decision says it first).
        Returns the decisions created (none for orders with nothing left to route); each is
        noted in its order's chatter, all in one batch.
        """
        decisions = self.env["oms.routing.decision"]
        changes = changes or {}
        notes = RoutingNotes()
        router = self.with_context(oms_routing_notes=notes)
        for order in lines.order_id.sorted("id"):
            order_lines = lines.filtered(lambda line, order=order: line.order_id == order)
            decision = router.with_company(order.company_id)._route_order(
                order,
                order_lines,
                trigger,
                excluded_warehouses or self.env["stock.warehouse"],
                changes.get(order.id, []),
            )
            decisions |= decision
        notes.open = False
        decisions._log_on_orders(notes.entries)
        return decisions

    @api.model
    def _route_order(self, order, lines, trigger, excluded_warehouses, changes=()):
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
        job = RoutingJob(order, demand, policy, trigger, excluded_warehouses, warehouses, changes)
        job.started, job.lines = started, lines
        if order.oms_delivery_mode != "pickup" and not order.partner_shipping_id.country_id:
            # Routing it as the company's country could ship with a carrier that does not
            # serve the real address, or not at all: a person completes it first.
            return self._hold_without_route(job, "address_without_country", {"code": "no_country"})
        store = order.oms_delivery_mode == "pickup" and order.oms_pickup_warehouse_id
        if store and self._pickup_store_unusable(store, excluded_warehouses):
            return self._route_pickup_failover(job, network, stock, store)
        engine_order = self._prepare_engine_order(order, demand, excluded_warehouses, warehouses)
        plan = self._run_engine(job, network, engine_order, stock)
        if plan is None:
            return self.env["oms.routing.decision"]
        if trigger == "retry" and plan.status != "complete":
            # Still waiting: the cron asks again later; no new decision for every attempt.
            return self.env["oms.routing.decision"]
        return self._decide(job, plan)

    @api.model
    def _run_engine(self, job, network, engine_order, stock):
        """The engine's plan, or None when it failed (the lines then ship the standard way:
        the engine is pure, there is no side effect to undo)."""
        try:
            return engine.route(network, engine_order, stock)
        except Exception:
            _logger.exception("Routing of %s failed", job.order.name)
            job.order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "The router could not decide (the error is in the server log): the "
                    "order ships the standard way, from its warehouse."
                )
            )
            self._launch_standard(job.lines)
            return None

    @api.model
    def _decide(self, job, plan, behaviour=None):
        """Store the plan as the order's decision and apply it."""
        job.duration_ms = (_time.perf_counter() - job.started) * 1000.0
        order = job.order
        behaviour = behaviour or order.oms_channel_id.unfulfillable_behaviour or "backorder"
        held = plan.status != "complete" and behaviour in ("wait", "hold")
        by_node = self.env["oms.network"]._get_warehouse_by_node(job.warehouses)
        prepared = self._prepare_application(job, plan, by_node, held)
        # A first confirmation: the router makes every delivery, so the plan tells what
        # the order looks like afterwards without reading the deliveries again.
        summary = None
        if not order.procurement_group_id:
            summary = self._summary_from_plan(job, plan, prepared, held, behaviour)
        decision = self._create_decision(job, plan, by_node, held, summary)
        if held:
            job.state_after = "waiting" if behaviour == "wait" else "hold"
        else:
            self._apply_plan(order, plan, decision, job.demand, job.warehouses, prepared)
        self._finish(job, decision, summary)
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
    def _prepare_engine_order(
        self, order, demand, excluded_warehouses, warehouses, pickup_store=None
    ):
        network_model = self.env["oms.network"]
        partner = order.partner_shipping_id
        # A shipped order without a country never gets here (it is held); a collected one
        # goes to its store, wherever the customer lives.
        country = partner.country_id or order.company_id.country_id
        lat = lon = None
        if "partner_latitude" in partner._fields and (
            partner.partner_latitude or partner.partner_longitude
        ):
            lat, lon = partner.partner_latitude, partner.partner_longitude
        excluded = excluded_warehouses | self._get_warehouses_at_capacity(warehouses)
        pickup = pickup_store or (
            order.oms_delivery_mode == "pickup" and order.oms_pickup_warehouse_id
        )
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
    def _create_decision(self, job, plan, by_node, held=False, summary=None):
        """The decision record of ``plan``: what was decided and why, with the order as it
        will be afterwards when ``summary`` already tells it (a first confirmation)."""
        order = job.order
        if order.oms_decision_id:
            order.oms_decision_ids.filtered("is_current").is_current = False
        line_vals = self._prepare_decision_line_vals(plan, by_node)
        deliveries = [s for s in plan.shipments if s.kind != "transfer"]
        summary_model = self.env["oms.routing.summary"]
        vals = {
            "sale_order_id": order.id,
            "policy_id": job.policy.id,
            "trigger": job.trigger,
            "status": plan.status,
            "method": plan.method,
            "score": plan.score.total,
            "cost": plan.score.cost_amount,
            "package_count": plan.score.package_count,
            "is_split": len(deliveries) > 1,
            "excluded_warehouse_ids": [fields.Command.set(job.excluded_warehouses.ids)]
            if job.excluded_warehouses
            else [],
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
            "explanation_data": {
                "now": summary_model._statements(summary) if summary else [],
                "changes": list(job.changes),
                "plan": self._plan_statements(plan, by_node, held),
            },
            "duration_ms": job.duration_ms,
        }
        if summary:
            vals.update(summary_model._decision_vals(summary))
        return self.env["oms.routing.decision"].create(vals)

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
    def _plan_statements(self, plan, by_node, held=False):
        """The plan in statements of ``oms.routing.explanation`` (rendered when read, in the
        reader's language): each shipment, what was not sourced and why, the nodes not
        used and the rules that ruled them out, and why the runners-up lost."""
        explanation = self.env["oms.routing.explanation"]

        def node_id(code):
            warehouse = by_node.get(code)
            return warehouse.id if warehouse else False

        def items(lines):
            return [[_product_id(line.sku), line.quantity] for line in lines]

        out = []
        for shipment in plan.shipments:
            base = {"node": node_id(shipment.node), "items": items(shipment.lines)}
            if shipment.kind == "transfer":
                out.append(
                    {
                        "code": "transfer_held" if held else "transfer",
                        "to": node_id(shipment.to_node),
                        "date": None if held else shipment.promised_date.isoformat(),
                        **base,
                    }
                )
            elif shipment.kind == "pickup":
                out.append({"code": "handover", **base})
            else:
                statement = {
                    "code": "shipment_held" if held else "shipment",
                    "carrier": self._carrier_of(shipment).id,
                    "packages": shipment.packages,
                    "cost": shipment.cost,
                    **base,
                }
                if not held:
                    statement["ship"] = shipment.ship_date.isoformat()
                    statement["date"] = shipment.promised_date.isoformat()
                out.append(statement)
        for missing in plan.unfulfilled:
            out.append(
                {
                    "code": "not_sourced",
                    "items": [[_product_id(missing.sku), missing.quantity]],
                    "why": missing.reason,
                }
            )
        rules = defaultdict(list)
        for exclusion in plan.explanation.excluded:
            product = _product_id(exclusion.sku) if exclusion.sku else False
            rules[exclusion.node].append([exclusion.rule, product])
        for node, node_rules in sorted(rules.items()):
            if node_id(node):
                out.append({"code": "not_used", "node": node_id(node), "rules": node_rules})
        for runner_up in plan.explanation.runners_up:
            worse, better = explanation._score_figures(runner_up.score, plan.score)
            out.append(
                {
                    "code": "runner_up",
                    "nodes": [node_id(n) for n in runner_up.nodes if node_id(n)],
                    "worse": worse,
                    "better": better,
                }
            )
        if plan.method != "exact":
            out.append({"code": "greedy"})
        return out

    # ------------------------------------------------------------------ applying the plan

    @api.model
    def _prepare_application(self, job, plan, by_node, held=False):
        """Where each unit of the plan goes, without touching the database: the source
        warehouses whose deliveries get the plan's carrier and dates (``placed``), the
        transfers to a pickup store, each line's quantity per warehouse with its dates, and
        the units no node sources (``leftovers``, backordered at ``backorder_warehouse``)."""
        order = job.order
        prepared = Application()
        if held:
            return prepared
        remaining = {product: dict(per_line) for product, per_line in job.demand.items()}
        for shipment in plan.shipments:
            if shipment.kind == "transfer":
                prepared.transfers.append(shipment)
                # The goods still leave the pickup store to the customer.
                warehouse = by_node[shipment.to_node]
            else:
                warehouse = by_node[shipment.node]
            if shipment.kind == "delivery":
                prepared.placed.append((warehouse, shipment))
            elif warehouse not in [placed_wh for placed_wh, _s in prepared.placed]:
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
                prepared.placed.append((warehouse, handover))
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
                    prepared.takes.append((line, qty, warehouse, date_planned, date_deadline))
        prepared.leftovers = [
            (line, qty) for per_line in remaining.values() for line, qty in per_line.items() if qty
        ]
        if order.oms_delivery_mode == "pickup":
            prepared.backorder_warehouse = job.pickup_store or order.oms_pickup_warehouse_id
        prepared.shelves_off = job.shelves_off
        return prepared

    @api.model
    def _apply_plan(self, order, plan, decision, demand, warehouses, prepared=None):
        """Turn the plan into procurements: one per source warehouse and quantity, so each
        source gets its own delivery with its carrier and dates."""
        by_node = self.env["oms.network"]._get_warehouse_by_node(warehouses)
        if prepared is None:
            job = RoutingJob(order, demand, decision.policy_id, decision.trigger)
            prepared = self._prepare_application(job, plan, by_node)
        # A first confirmation: the group is created below, so it has no delivery yet.
        new_group = not order.procurement_group_id
        procurements = []
        for line, qty, warehouse, date_planned, date_deadline in prepared.takes:
            procurements += self._prepare_procurements(
                line, qty, warehouse, date_planned, date_deadline
            )
        for line, qty in prepared.leftovers:
            # Backorder: Odoo's own way, from the order's warehouse (the pickup store for
            # click & collect), waiting for replenishment; marked, so the order's summary
            # tells these units from the sourced ones.
            procurements += self._prepare_procurements(
                line, qty, prepared.backorder_warehouse or line.warehouse_id, backorder=True
            )
        if procurements:
            placed_ids = {warehouse.id for warehouse, _shipment in prepared.placed}
            picking_values = [
                (
                    warehouse.id,
                    tuple(self._prepare_picking_vals(warehouse, shipment, decision).items()),
                )
                for warehouse, shipment in prepared.placed
            ]
            for line, _qty in prepared.leftovers:
                warehouse = prepared.backorder_warehouse or line.warehouse_id
                if warehouse.id not in placed_ids:
                    placed_ids.add(warehouse.id)
                    picking_values.append(
                        (
                            warehouse.id,
                            tuple(self._prepare_backorder_picking_vals(order, decision).items()),
                        )
                    )
            run = RoutingRun(order.procurement_group_id.ids if new_group else ())
            self.env["procurement.group"].with_context(
                oms_picking_values=tuple(picking_values), oms_routing_run=run
            ).run(procurements)
            self.env["stock.picking"]._oms_subscribe_kept(run.subscriptions)
            self._log_origin_notes(run)
        transfers = self.env["stock.picking"]
        for shipment in prepared.transfers:
            transfers |= self._create_transfer(order, shipment, decision, by_node, plan)
        if prepared.shelves_off and transfers:
            self._hand_over_only_transferred(order, transfers)
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("cancel", "done"))
        if pickings:
            pickings.action_confirm()

    @api.model
    def _hand_over_only_transferred(self, order, transfers):
        """A store whose own stock may not be used hands over what the transfers bring, not
        what is on its shelves: the handover's moves follow the transfers' (Odoo's chained
        moves reserve only what their origin moves deliver)."""
        handovers = order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "pickup" and p.state not in ("done", "cancel")
        )
        incoming = transfers.move_ids
        for move in handovers.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            origins = incoming.filtered(lambda m, move=move: m.product_id == move.product_id)
            if not origins:
                continue
            move._do_unreserve()
            move.write(
                {
                    "procure_method": "make_to_order",
                    "move_orig_ids": [fields.Command.link(origin.id) for origin in origins],
                }
            )
        handovers.move_ids._recompute_state()

    @api.model
    def _summary_from_plan(self, job, plan, prepared, held, behaviour):
        """The order's summary (``oms.routing.summary``) once ``plan`` is applied to an
        order that has no delivery yet: the same as reading the deliveries afterwards."""
        order = job.order
        pickup = order.oms_delivery_mode == "pickup"
        if held:
            state = "waiting" if behaviour == "wait" else "hold"
            return self.env["oms.routing.summary"]._held(state, order, job.demand)
        legs = []
        for warehouse, shipment in prepared.placed:
            legs.append(
                {
                    "node": warehouse.id,
                    "carrier": self._carrier_of(shipment).id,
                    "promised": _to_odoo_datetime(
                        shipment.promised_date, time(12), self._timezone(warehouse)
                    ),
                    "day": shipment.promised_date.isoformat(),
                    "packages": 1 if shipment.kind == "pickup" else shipment.packages,
                    "done": False,
                    "items": [],
                }
            )
        waiting = {}
        for line, qty in prepared.leftovers:
            warehouse = prepared.backorder_warehouse or line.warehouse_id
            waiting.setdefault(warehouse.id, []).append([line.product_id.id, float(qty)])
        return {
            "state": "backorder" if waiting else "routed",
            "status": self.env["oms.routing.summary"]._status(legs, waiting, []),
            "pickup": pickup,
            "legs": legs,
            "waiting": waiting,
            "unsourced": [],
        }

    @api.model
    def _finish(self, job, decision, summary=None):
        """Make the order say what it looks like now: its summary fields, the decision's
        "now" sentences and figures (read from the deliveries unless the plan told them),
        the hold activity, the shop's news."""
        # Bookkeeping on behalf of the user who routed: the summary reads every delivery of
        # the order, also those of stores the user may not see.
        order = job.order.sudo()
        decision = decision.sudo()
        summary_model = self.env["oms.routing.summary"].sudo()
        previous_state = order.oms_routing_state
        if summary is None:
            summary = summary_model._summary_of(order)
            if job.state_after and summary["unsourced"]:
                summary["state"] = job.state_after
            data = dict(decision.explanation_data or {})
            data["now"] = summary_model._statements(summary)
            decision.write({**summary_model._decision_vals(summary), "explanation_data": data})
        order._oms_apply_summary(summary, decision, previous_state)

    @api.model
    def _log_origin_notes(self, run):
        """The "created from" notes of the run's new deliveries, one batch per order."""
        by_origin = defaultdict(list)
        for picking, origin in run.origin_notes:
            by_origin[origin].append(picking.id)
        notes = self.env.context.get("oms_routing_notes")
        for origin, picking_ids in by_origin.items():
            pickings = self.env["stock.picking"].browse(picking_ids)
            if notes is not None and notes.open:  # logged with the decisions' notes
                notes.entries.append((pickings, pickings._oms_origin_note_bodies(origin)))
            else:
                pickings._oms_log_origin_note(origin)

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
    def _prepare_procurements(
        self, line, qty, warehouse, date_planned=None, date_deadline=None, backorder=False
    ):
        """Procurements of ``qty`` (product unit) of ``line`` from ``warehouse``;
        ``backorder``: units no node could source, waiting for stock there."""
        line = line.with_company(line.company_id)
        group = self._get_procurement_group(line)
        values = line._prepare_procurement_values(group_id=group)
        values["warehouse_id"] = warehouse
        if date_planned:
            values["date_planned"] = date_planned
        if date_deadline:
            values["date_deadline"] = date_deadline
        if backorder:
            values["oms_backorder"] = True
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
    def _prepare_backorder_picking_vals(self, order, decision):
        """What the delivery of backordered units carries: no carrier, no promise yet."""
        return {
            "oms_decision_id": decision.id,
            "oms_promised_date": False,
            "oms_shipment_kind": "pickup" if order.oms_delivery_mode == "pickup" else "ship",
            "carrier_id": False,
        }

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


class Application:
    """Where the units of a plan go (``oms.router._prepare_application``)."""

    __slots__ = ("backorder_warehouse", "leftovers", "placed", "shelves_off", "takes", "transfers")

    def __init__(self):
        self.shelves_off = False
        self.placed = []
        self.transfers = []
        self.takes = []
        self.leftovers = []
        self.backorder_warehouse = None


class RoutingJob:
    """One order being routed: what it needs, under which policy, why (``trigger`` and the
    ``changes`` that led to it), and what the router learnt on the way."""

    __slots__ = (
        "changes",
        "demand",
        "duration_ms",
        "excluded_warehouses",
        "lines",
        "order",
        "pickup_store",
        "policy",
        "shelves_off",
        "started",
        "state_after",
        "trigger",
        "warehouses",
    )

    def __init__(
        self, order, demand, policy, trigger, excluded_warehouses=None, warehouses=None, changes=()
    ):
        self.order = order
        self.demand = demand
        self.policy = policy
        self.trigger = trigger
        self.excluded_warehouses = (
            excluded_warehouses if excluded_warehouses is not None else order.env["stock.warehouse"]
        )
        self.warehouses = warehouses if warehouses is not None else order.env["stock.warehouse"]
        self.changes = list(changes)
        self.lines = order.env["sale.order.line"]
        self.started = _time.perf_counter()
        self.duration_ms = 0.0
        self.pickup_store = None
        self.shelves_off = False
        self.state_after = None


def _product_id(sku):
    return int(sku) if sku and str(sku).isdigit() else False
