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
