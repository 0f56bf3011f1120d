# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    oms_external_line_id = fields.Char(
        string="External Line ID",
        copy=False,
        help="The shop's id of this line, echoed in shipment events so the shop can "
        "fulfil the right line.",
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
        """Odoo's ``is_mto``, without paying for it where Odoo says no anyway.

        Odoo 18 computes ``is_mto`` only for lines showing the stock widget, and a confirmed
        line without stock moves does not (``_compute_qty_to_deliver``): ``is_mto`` is False
        for every line of an order being confirmed. Computing it still reads the delivered
        quantities and the routes of the line and of every line in its prefetch set (all
        lines of a batch of orders), the most expensive step of choosing what to route.
        """
        self.ensure_one()
        if self.state == "sale" and not self.move_ids:
            return False
        return self.with_prefetch().is_mto

    def _action_launch_stock_rule(self, previous_product_uom_qty=False):
        # Quantity changes on confirmed lines (previous_product_uom_qty) keep Odoo's standard
        # behaviour: the delta comes from the order's warehouse.
        if self.env.context.get("skip_procurement") or previous_product_uom_qty:
            return super()._action_launch_stock_rule(previous_product_uom_qty)
        routed = self.filtered(
            lambda line: (
                line.state == "sale"
                and line.order_id._oms_routing_applies()
                and line._oms_is_routable()
            )
        )
        res = super(SaleOrderLine, self - routed)._action_launch_stock_rule(
            previous_product_uom_qty
        )
        if routed:
            self.env["oms.router"]._route_lines(routed)
        return res
