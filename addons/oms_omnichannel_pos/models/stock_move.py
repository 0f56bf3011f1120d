# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_cancel(self):
        result = super()._action_cancel()
        # However a store's delivery ends up cancelled (re-routed, the order cancelled, the
        # last of its goods taken off), its store order ends with it.
        self.picking_id._oms_close_store_orders()
        return result
