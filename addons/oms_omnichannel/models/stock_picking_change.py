# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _oms_chain_started(self):
        """Whether a node started this open delivery or a step before it (customer
        service's changes may not touch it)."""
        self.ensure_one()
        return self._oms_is_started() or self.move_ids._oms_chain_started()
