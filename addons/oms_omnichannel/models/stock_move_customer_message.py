# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


# Customer messages are a concern of their own, kept apart from routing's file of the
# same model.
class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        result = super().write(vals)
        if vals.get("picked"):
            self.picking_id._oms_tell_ready_for_pickup()
        return result
