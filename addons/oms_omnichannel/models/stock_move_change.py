# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _oms_chain_started(self):
        """Whether a node started on these goods: the move, or a step before it (pick,
        pack, a transfer to the store), was picked or done."""
        seen, todo = set(), list(self)
        while todo:
            move = todo.pop()
            if move.id in seen:
                continue
            seen.add(move.id)
            if move.state == "done" or (move.state != "cancel" and move.picked):
                return True
            todo.extend(move.move_orig_ids)
        return False
