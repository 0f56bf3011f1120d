# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _oms_delivered_moves(self):
        """Done moves that took the line's goods to the customer, oldest first."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda m: (
                m.state == "done"
                and m.location_dest_id.usage == "customer"
                and not m.origin_returned_move_id
            )
        ).sorted("date")

    def _oms_delivered_on(self):
        """The day the last of the line's goods was delivered (the return window starts)."""
        moves = self._oms_delivered_moves()
        return moves[-1:].date.date() if moves else None

    def _oms_returnable_quantity(self):
        """Units delivered that no open return covers yet (what came back already lowered
        ``qty_delivered``; what is on its way back is on a return)."""
        self.ensure_one()
        pending = sum(
            line.quantity
            for line in self.env["oms.return.line"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "=", self.id),
                    ("return_id.state", "not in", ("refused", "cancelled")),
                ]
            )
            if not line._oms_arrived() or line.action == "keep"
        )
        return max(self.qty_delivered - pending, 0.0)
