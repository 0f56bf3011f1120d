# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("pos_order_line_ids.qty", "pos_order_line_ids.oms_delivered_by_order")
    def _compute_qty_delivered(self):
        # pos_sale counts what a till sold against the order as delivered at the till. A till
        # that only takes the payment of an order the OMS delivers (a click & collect
        # hand-over, an endless-aisle sale) delivers nothing: the order's own delivery does.
        super()._compute_qty_delivered()
        for line in self:
            paid_only = line.sudo().pos_order_line_ids.filtered("oms_delivered_by_order")
            if paid_only and line.product_id.type != "service":
                line.qty_delivered -= sum(
                    self._convert_qty(line, pos_line.qty, "p2s") for pos_line in paid_only
                )
