# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    oms_external_line_id = fields.Char(
        string="Shop Line ID",
        copy=False,
        help="The shop's id of this line, sent back with each shipment so the shop marks "
        "the right line as shipped.",
    )

    def _oms_is_routable(self):
        """Storable goods from stock are routed; services, notes, and lines whose route says
        where they come from (a route chosen on the line, make-to-order, drop-ship) are not."""
        self.ensure_one()
        return (
            not self.display_type
            and not self.is_expense
            and self.product_id.type == "consu"
            and self.product_id.is_storable
            and not self.route_id
            and not self._oms_is_mto()
        )

    def _oms_is_mto(self):
        """Whether the product's routes take this line's goods from elsewhere than stock:
        make-to-order, or drop-ship (a rule from a supplier straight to the customer).

        The same test as Odoo's ``is_mto`` (sale_stock, stock_dropshipping), asked of the
        routes directly: Odoo computes ``is_mto`` only for lines that show the stock widget,
        which a line being confirmed does not, so it is False for every line at the moment
        routing decides.
        """
        self.ensure_one()
        product = self.product_id
        routes = product.route_ids | product.categ_id.total_route_ids
        if not routes:
            return False
        mto_route = self.order_id.warehouse_id.mto_pull_id.route_id or self.env.ref(
            "stock.route_warehouse0_mto", raise_if_not_found=False
        )
        if mto_route and mto_route in routes:
            return True
        return any(
            rule.picking_type_id.sudo().default_location_src_id.usage == "supplier"
            and rule.picking_type_id.sudo().default_location_dest_id.usage == "customer"
            for rule in routes.rule_ids
        )

    def _action_launch_stock_rule(self, previous_product_uom_qty=False):
        if self.env.context.get("skip_procurement"):
            return super()._action_launch_stock_rule(previous_product_uom_qty)
        routed = self.filtered(
            lambda line: (
                line.state == "sale"
                and line.order_id._oms_routing_applies()
                and line._oms_is_routable()
            )
        )
        changes = {}
        if previous_product_uom_qty:
            # A quantity changed on confirmed lines. Less comes off the deliveries the router
            # chose; what they cannot absorb (units already shipped) is left to Odoo below,
            # as without routing. More is routed like the rest of the order.
            changes = routed._oms_quantity_changes(previous_product_uom_qty)
            less = self.browse()
            for line in routed:
                todo = line._oms_to_procure()
                if todo < 0 and line.order_id.oms_routing_state not in ("hold", "waiting"):
                    procurements, _taken = line._oms_shrink_procurements(-todo)
                    self.env["procurement.group"].run(procurements)
                    less |= line
            routed -= less
            # An order that waits or is held has released nothing: any change routes it
            # as a whole again, not only the line that changed.
            held = routed.order_id.filtered(lambda o: o.oms_routing_state in ("hold", "waiting"))
            routed |= held._oms_routable_lines()
            lowered_only = less.order_id - routed.order_id
            for order in lowered_only:
                order._oms_record_change("change", changes.get(order.id, []))
        res = super(SaleOrderLine, self - routed)._action_launch_stock_rule(
            previous_product_uom_qty
        )
        if routed:
            # Routed before: a quantity changed or a line was added to the confirmed order.
            first = routed.order_id.filtered(lambda o: not o.oms_decision_id)
            if not previous_product_uom_qty:
                for line in routed.filtered(lambda line: line.order_id not in first):
                    changes.setdefault(line.order_id.id, []).append(
                        {
                            "code": "line_added",
                            "product": line.product_id.id,
                            "after": line.product_uom_qty,
                            "uom": line.product_uom.id,
                        }
                    )
            router = self.env["oms.router"]
            router._route_lines(
                routed.filtered(lambda line: line.order_id in first), trigger="confirm"
            )
            router._route_lines(
                routed.filtered(lambda line: line.order_id not in first),
                trigger="change",
                changes=changes,
            )
        return res

    def _oms_quantity_changes(self, previous_quantities):
        """What changed on these lines, as statements for the order's history
        (``oms.routing.explanation``): ``{order id: [statement, ...]}``."""
        changes = {}
        for line in self:
            before = previous_quantities.get(line.id)
            if before is None or not float_compare(
                before, line.product_uom_qty, precision_rounding=line.product_uom.rounding
            ):
                continue
            after = line.product_uom_qty
            if float_is_zero(after, precision_rounding=line.product_uom.rounding):
                statement = {"code": "line_cancelled", "product": line.product_id.id}
            else:
                statement = {
                    "code": "qty_lowered" if after < before else "qty_raised",
                    "product": line.product_id.id,
                    "before": before,
                    "after": after,
                    "uom": line.product_uom.id,
                }
            changes.setdefault(line.order_id.id, []).append(statement)
        return changes

    def _oms_to_procure(self):
        """Ordered minus procured (Odoo's ``_get_qty_procurement``), in the line's unit;
        negative when the line asks for less than its deliveries carry, 0 within rounding."""
        self.ensure_one()
        todo = self.product_uom_qty - self._get_qty_procurement()
        return 0.0 if float_is_zero(todo, precision_rounding=self.product_uom.rounding) else todo

    def _oms_shrink_procurements(self, quantity):
        """Negative procurements taking up to ``quantity`` (the line's unit) off the line's
        open deliveries, and the quantity they take. Done moves are never touched.

        Odoo's own reduction goes to the order's warehouse with today's deadline, in the
        line's unit, and merges (``stock.move._merge_moves``) only into a move of the same
        picking type, deadline and unit: on a routed order it meets no such move (the router
        procures in the product's unit) and becomes a return receipt. So one procurement per
        (warehouse, deadline, backordered or not, unit) of the open moves, in the moves'
        unit: units waiting for stock first (nobody has them), then the newest.
        """
        self.ensure_one()
        outgoing, _incoming = self._get_outgoing_incoming_moves()
        groups = {}
        open_moves = outgoing.filtered(lambda m: m.state not in ("done", "cancel"))
        if self.env.context.get("oms_spare_started"):
            # Customer service's cancellation: never from a delivery a node started.
            open_moves = open_moves.filtered(lambda m: not m._oms_chain_started())
        for move in open_moves.sorted(lambda m: (not m.oms_backorder, -m.id)):
            key = (
                move.warehouse_id or move.picking_type_id.warehouse_id,
                move.date_deadline,
                move.oms_backorder,
                move.product_uom,
            )
            groups[key] = groups.get(key, 0.0) + move.product_uom._compute_quantity(
                move.product_uom_qty, self.product_uom
            )
        group = self._get_procurement_group()
        order = self.order_id
        origin = (
            f"{order.name} - {order.client_order_ref}" if order.client_order_ref else order.name
        )
        procurements, remaining = [], quantity
        rounding = self.product_uom.rounding
        for (warehouse, deadline, backorder, uom), open_qty in groups.items():
            take = min(remaining, open_qty)
            if float_compare(take, 0.0, precision_rounding=rounding) <= 0:
                break
            values = self._prepare_procurement_values(group_id=group)
            values.update(warehouse_id=warehouse, date_deadline=deadline, oms_backorder=backorder)
            procurements += self._create_procurements(
                -self.product_uom._compute_quantity(take, uom), uom, origin, values
            )
            remaining -= take
        return procurements, quantity - remaining

    # ------------------------------------------------------------------ back office
    # Before the order is confirmed: the network's stock of the line and when it would
    # arrive (oms.order.preview).

    oms_available_qty = fields.Integer(
        string="Available in the Network",
        compute="_compute_oms_preview",
        help="Units of the product the order's channel may sell now, over every node that "
        "ships (sellable stock: on hand, minus reserved, minus the channel's safety stock).",
    )
    oms_promise_text = fields.Char(
        string="Availability",
        compute="_compute_oms_preview",
        help="Before confirming: the units available in the network and when this line "
        "would arrive if the order were confirmed now.",
    )

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom",
        "order_id.state",
        "order_id.partner_shipping_id",
        "order_id.oms_channel_id",
        "order_id.oms_delivery_mode",
        "order_id.oms_pickup_warehouse_id",
        "order_id.oms_service_level",
        "order_id.oms_allow_split",
        # The plan is the whole order's: another line changes this line's date.
        "order_id.order_line.product_id",
        "order_id.order_line.product_uom_qty",
    )
    def _compute_oms_preview(self):
        previewer = self.env["oms.order.preview"]
        previews = {order: previewer._preview(order) for order in self.order_id}
        for line in self:
            preview = previews.get(line.order_id)
            line_preview = preview and preview.lines.get(line)
            line.oms_available_qty = line_preview.available if line_preview else 0
            line.oms_promise_text = (
                previewer._line_text(preview, line_preview) if line_preview else False
            )

    def _compute_qty_to_deliver(self):
        result = super()._compute_qty_to_deliver()
        # Odoo's forecast icon of a quotation line counts the order's own warehouse: where
        # routing decides, it would say "not available" next to the network's stock. (Once
        # confirmed, the icon shows the line's deliveries and stays.)
        for line in self:
            if (
                line.display_qty_widget
                and line.state in ("draft", "sent")
                and line.order_id.company_id.oms_routing_active
                and line._oms_is_routable()
            ):
                line.display_qty_widget = False
        return result
