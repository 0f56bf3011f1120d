"""What confirming a quotation would do now, in words the person on the phone reads out.

Customer service takes an order by phone and the customer asks "do you have it, and when
does it arrive?". The answer comes from the snapshot the router reads at confirmation: the
channel's sellable stock per node (``oms.sellable.stock``, through ``oms.router``), the
cached network, and the engine's ``route`` on the order as ``oms.router`` builds it - so the
promise is the one routing then keeps, pickup, split and full nodes included (the engine's
``promise`` is the same search for a plain shipping basket). Nothing is locked, stored or
procured: the preview only reads.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from odoo import api, models
from odoo.tools import float_is_zero
from odoo.tools.i18n import format_list
from odoo.tools.misc import format_date

from .oms_network import engine

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LinePreview:
    """One order line before confirming.

    ``available``: units of the product the channel may sell across the usable nodes;
    ``nodes``: ``((warehouse, units), ...)``, where they are, most first; ``sourced`` and
    ``missing``: what the plan sends and leaves out of this line; ``day``: when the sourced
    units arrive (are ready in the store, for click & collect), ``None`` when confirming
    would not release them (no plan yet, or the order would be held or wait).
    """

    ordered: int
    available: int
    nodes: tuple
    sourced: int
    missing: int
    day: object
    reason: str | None


@dataclass(frozen=True, slots=True)
class OrderPreview:
    """The order before confirming. ``plan`` is ``None`` until the order has a customer to
    send to (or when the engine refused the order); ``dated`` says whether confirming now
    releases the plan (an incomplete plan is held or waits when the channel says so)."""

    lines: dict
    plan: object
    dated: bool
    pickup: bool
    nodes: object  # stock.warehouse the plan ships or transfers from
    missing: int


class OmsOrderPreview(models.AbstractModel):
    _name = "oms.order.preview"
    _description = "Availability and Promise Before Confirming"

    @api.model
    def _preview(self, order):
        """The :class:`OrderPreview` of a quotation, or ``None`` when routing would not
        decide it (confirmed order, routing off, nothing routable)."""
        if (
            engine is None
            or order.state not in ("draft", "sent")
            or not order.company_id.oms_routing_active
        ):
            return None
        demand = self._get_demand(order.order_line)
        if not demand:
            return None
        company = order.company_id
        router = self.env["oms.router"].with_company(company)
        network_model = self.env["oms.network"].with_company(company)
        products = self.env["product.product"].concat(*demand)
        policy = order._oms_get_sourcing_policy()
        network = network_model._get_network(company, policy)
        network_model._ensure_products(network, products)
        warehouses = network_model._get_nodes(company)
        by_node = {network_model._node_id(wh): wh for wh in warehouses}
        stock = router._get_engine_stock(order, products, warehouses)
        plan = None
        if order.partner_shipping_id:
            engine_order = router._prepare_engine_order(
                order, demand, self.env["stock.warehouse"], warehouses
            )
            try:
                plan = engine.route(network, engine_order, stock, explain=False)
            except engine.EngineError as error:
                # Shown without a date; confirming falls back to Odoo's way and says so.
                _logger.info("No promise for %s: %s", order.display_name, error)
        pickup = order.oms_delivery_mode == "pickup" and bool(order.oms_pickup_warehouse_id)
        behaviour = order.oms_channel_id.unfulfillable_behaviour or "backorder"
        dated = plan is not None and (plan.status == "complete" or behaviour == "backorder")
        reasons = {missing.sku: missing.reason for missing in plan.unfulfilled} if plan else {}
        usable = warehouses.filtered("oms_routing_enabled") - policy.excluded_warehouse_ids
        lines = {}
        for product, per_line in demand.items():
            sku = network_model._sku(product)
            nodes = tuple(
                (wh, qty)
                for wh, qty in self._nodes_with_stock(stock.get(sku, {}), by_node)
                if wh in usable
            )
            for line, sourced, day in self._allocate(plan, pickup, sku, per_line):
                lines[line] = LinePreview(
                    ordered=per_line[line],
                    available=sum(qty for _wh, qty in nodes),
                    nodes=nodes,
                    sourced=sourced,
                    missing=per_line[line] - sourced if plan else 0,
                    day=day if dated else None,
                    reason=reasons.get(sku),
                )
        return OrderPreview(
            lines=lines,
            plan=plan,
            dated=dated,
            pickup=pickup,
            nodes=self._plan_nodes(plan, by_node),
            missing=sum(lp.missing for lp in lines.values()),
        )

    # ------------------------------------------------------------------ steps

    @api.model
    def _get_demand(self, lines):
        """``{product: {line: units}}`` of the lines routing would source, counted as the
        router counts them (whole units of the product's unit); the others ship Odoo's way."""
        demand = defaultdict(dict)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for line in lines:
            if not line.product_id or line.product_uom_qty <= 0 or not line._oms_is_routable():
                continue
            qty = line.product_uom._compute_quantity(line.product_uom_qty, line.product_id.uom_id)
            if not float_is_zero(qty - round(qty), precision_digits=digits):
                continue
            demand[line.product_id][line] = round(qty)
        return demand

    @api.model
    def _nodes_with_stock(self, per_node, by_node):
        """``[(warehouse, units), ...]`` of one product, most units first."""
        nodes = [(by_node[node], qty) for node, qty in per_node.items() if node in by_node]
        return sorted(nodes, key=lambda item: (-item[1], item[0].name or ""))

    @api.model
    def _allocate(self, plan, pickup, sku, per_line):
        """``(line, units sourced, day)`` per line of one product: the plan's units spread
        over the lines in their order, as the router spreads them at confirmation."""
        chunks = []  # [units, day], in the plan's order
        for shipment in plan.shipments if plan is not None else ():
            # A click & collect order is ready when its last transfer has arrived.
            day = plan.promised_date if pickup else shipment.promised_date
            chunks += [[line.quantity, day] for line in shipment.lines if line.sku == sku]
        result = []
        for line in sorted(per_line, key=lambda line: (line.sequence, str(line.id))):
            need, sourced, day = per_line[line], 0, None
            while sourced < need and chunks:
                take = min(chunks[0][0], need - sourced)
                sourced += take
                day = max(day, chunks[0][1]) if day else chunks[0][1]
                chunks[0][0] -= take
                if not chunks[0][0]:
                    chunks.pop(0)
            result.append((line, sourced, day))
        return result

    @api.model
    def _plan_nodes(self, plan, by_node):
        warehouses = self.env["stock.warehouse"]
        for shipment in plan.shipments if plan is not None else ():
            warehouses |= by_node.get(shipment.node, warehouses)
        return warehouses

    # ------------------------------------------------------------------ words

    @api.model
    def _format_day(self, day):
        """A day as the user reads dates, with its weekday: "Tue 12/08/2026"."""
        weekday = format_date(self.env, day, date_format="EEE")
        return f"{weekday} {format_date(self.env, day)}"

    @api.model
    def _line_text(self, preview, line_preview):
        """The line's sentence: "12 available in the network, arrives Tue 12/08/2026"."""
        lp = line_preview
        if not lp.available:
            stock = self.env._("Not available in the network")
        elif lp.available < lp.ordered:
            stock = self.env._(
                "Only %(available)s of %(ordered)s available in the network",
                available=lp.available,
                ordered=lp.ordered,
            )
        else:
            stock = self.env._("%(available)s available in the network", available=lp.available)
        if preview.plan is None or not lp.available:
            return stock
        if not lp.sourced:
            reason = lp.reason and self.env["oms.router"]._reason_text(lp.reason)
            if reason:
                return self.env._(
                    "%(stock)s, but none can be sent: %(reason)s", stock=stock, reason=reason
                )
            return self.env._("%(stock)s, but none can be sent", stock=stock)
        if lp.day is None:
            return stock
        day = self._format_day(lp.day)
        if lp.missing:
            return self.env._(
                "%(stock)s: %(sourced)s arrive %(day)s, %(missing)s backordered",
                stock=stock,
                sourced=lp.sourced,
                day=day,
                missing=lp.missing,
            )
        if preview.pickup:
            return self.env._("%(stock)s, ready for pickup on %(day)s", stock=stock, day=day)
        return self.env._("%(stock)s, arrives %(day)s", stock=stock, day=day)

    @api.model
    def _summary(self, order, preview):
        """The values of the order's "If you confirm now" banner
        (template ``oms_omnichannel.sale_order_preview``)."""
        plan = preview.plan
        behaviour = order.oms_channel_id.unfulfillable_behaviour or "backorder"
        outcomes = {
            "backorder": self.env._("the available units ship, the rest is backordered"),
            "wait": self.env._("the order waits until everything is in stock"),
            "hold": self.env._("the order is put on hold for a person to decide"),
        }
        stock_rows = []
        seen = set()
        for line, lp in preview.lines.items():
            if line.product_id in seen:
                continue
            seen.add(line.product_id)
            stock_rows.append(
                {
                    "product": line.product_id.display_name,
                    "nodes": ", ".join(f"{wh.name} {qty}" for wh, qty in lp.nodes)
                    or self.env._("nowhere"),
                }
            )
        sourced = plan is not None and any(lp.sourced for lp in preview.lines.values())
        packages = plan.score.package_count if plan is not None else 0
        return {
            "has_customer": bool(order.partner_shipping_id),
            "planned": plan is not None,
            "dated": preview.dated and sourced,
            "pickup": preview.pickup,
            "store": order.oms_pickup_warehouse_id.name or "",
            "packages": packages,
            "nodes": format_list(self.env, preview.nodes.mapped("name")),
            "day": self._format_day(plan.promised_date)
            if plan is not None and plan.promised_date
            else "",
            "missing": preview.missing,
            "nothing": plan is not None and not sourced,
            "outcome": outcomes[behaviour],
            "stock_rows": stock_rows,
        }
