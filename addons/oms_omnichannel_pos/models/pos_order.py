# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_compare


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def sync_from_ui(self, orders):
        data = super().sync_from_ui(orders)
        paid = self.browse([o["id"] for o in data.get("pos.order", [])]).filtered(
            lambda o: o.state in ("paid", "done", "invoiced")
        )
        sale_orders = paid.lines.filtered("oms_delivered_by_order").sale_order_origin_id
        sale_orders.sudo()._oms_paid_at_till(paid)
        return data
