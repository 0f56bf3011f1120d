# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_cancel(self):
        result = super()._action_cancel()
        # However a store's delivery ends up cancelled (re-routed, the order cancelled, the
        # last of its goods taken off), its store order ends with it.
        self.picking_id._oms_close_store_orders()
        return result

    def write(self, vals):
        paid_only = self.env.context.get("oms_till_paid_lines")
        if paid_only and set(vals) == {"product_uom_qty"}:
            # pos_sale writes back the demand of the deliveries of lines a till sold; for
            # lines the till only took the payment of, the demand is unchanged (the till
            # delivered nothing): nothing to write, and another store's delivery to leave.
            unchanged = self.sudo().filtered(
                lambda m: m.sale_line_id.id in paid_only
                and float_compare(
                    m.product_uom_qty, vals["product_uom_qty"], precision_rounding=m.product_uom.rounding
                )
                == 0
            )
            if unchanged == self.sudo():
                return True
        return super().write(vals)
