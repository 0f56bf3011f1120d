# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_return_id = fields.Many2one(
        "oms.return", string="Return", readonly=True, index="btree_not_null", copy=False
    )

    def _action_done(self):
        result = super()._action_done()
        # A parcel of a return arrived, or a disposition move is done: the return moves on.
        returns = self.filtered(lambda p: p.state == "done").oms_return_id
        if returns:
            returns.sudo()._oms_advance()
        return result
