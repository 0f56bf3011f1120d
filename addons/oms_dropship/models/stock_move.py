# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_cancel(self):
        # A delivery cancelled (re-routed elsewhere, the order cancelled) leaves its
        # supplier's list of deliveries to ship.
        result = super()._action_cancel()
        cancelled = self.picking_id.filtered(lambda p: p.state == "cancel")
        cancelled.sudo().oms_dropship_delivery_ids._oms_delivery_cancelled()
        return result
