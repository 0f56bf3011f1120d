# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a change would do, before it is made: nothing is written, locked or procured.

The "Change order" wizard shows it before customer service applies a change: the new plan
of what nobody started yet (where it would ship from, with which carrier, the new promise),
computed by the engine on the same snapshot routing reads - the channel's sellable stock,
plus the units the order's own unstarted deliveries hold (a re-route frees them first) - for
the order as it would be: another address, another delivery mode, other quantities.
"""

import logging
from collections import defaultdict

from odoo import models

from .oms_network import engine

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _oms_preview_replan(self, values=None, quantities=None):
        """The engine's plan for what is not started, were the order changed - or None.

        ``values``: order fields as they would be (``partner_shipping_id`` may be a new,
        unsaved contact; ``oms_delivery_mode``, ``oms_pickup_warehouse_id``,
        ``oms_service_level``). ``quantities``: ``{line: units it would ask in total}``.
        Returns ``(plan, by_node)`` - ``by_node`` maps the engine's nodes to warehouses.
        """
        self.ensure_one()
        if engine is None or self.state != "sale" or not self.company_id.oms_routing_active:
            return None
        demand = self._oms_unstarted_demand(quantities or {})
        if not demand:
            return None
        order = self.new(dict(values or {}), origin=self) if values else self
        company = self.company_id
        router = self.env["oms.router"].with_company(company)
        network_model = self.env["oms.network"].with_company(company)
        products = self.env["product.product"].concat(*demand)
        policy = self._oms_get_sourcing_policy()
        network = network_model._get_network(company, policy)
        network_model._ensure_products(network, products)
        warehouses = network_model._get_nodes(company)
        stock = router._get_engine_stock(self, products, warehouses)
        for (product, warehouse), units in self._oms_units_held_unstarted().items():
            sku, node = network_model._sku(product), network_model._node_id(warehouse)
            if product in demand:
                stock[sku][node] = stock[sku].get(node, 0) + units
        if order.oms_delivery_mode != "pickup" and not order.partner_shipping_id.country_id:
            return None
        engine_order = router._prepare_engine_order(
            order, demand, self.env["stock.warehouse"], warehouses
        )
        try:
            plan = engine.route(network, engine_order, stock, explain=False)
        except engine.EngineError as error:
            _logger.info("No preview for %s: %s", self.display_name, error)
            return None
        return plan, {network_model._node_id(wh): wh for wh in warehouses}

    def _oms_unstarted_demand(self, quantities):
        """``{product: {line: units}}`` a re-plan would route: the units of each routable
        line that no started or finished delivery holds, in whole product units."""
        demand = defaultdict(dict)
        for line in self._oms_routable_lines():
            wanted = quantities.get(line, line.product_uom_qty)
            outgoing, _incoming = line._get_outgoing_incoming_moves()
            kept = sum(
                move.product_uom._compute_quantity(move.product_uom_qty, line.product_uom)
                for move in outgoing
                if move.state == "done" or (move.state != "cancel" and move._oms_chain_started())
            )
            todo = line.product_uom._compute_quantity(
                max(wanted - kept, 0.0), line.product_id.uom_id
            )
            if round(todo) > 0 and abs(todo - round(todo)) < 1e-6:
                demand[line.product_id][line] = round(todo)
        return demand

    def _oms_units_held_unstarted(self):
        """``{(product, warehouse): units}`` reserved by the order's unstarted deliveries."""
        held = defaultdict(int)
        for picking in self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel") and not p._oms_chain_started()
        ):
            warehouse = picking.picking_type_id.warehouse_id
            for move in picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                units = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
                held[(move.product_id, warehouse)] += int(units)
        return held
