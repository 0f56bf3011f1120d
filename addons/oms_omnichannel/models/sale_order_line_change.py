# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # What the shop last said of this line (oms.intake's order updates apply only the shop's
    # own changes since then, never undoing customer service's).
    oms_shop_quantity = fields.Float(
        string="Quantity in the Shop",
        digits="Product Unit of Measure",
        copy=False,
        help="The quantity the shop last sent for this line.",
    )
    oms_refund_unseen = fields.Float(
        digits="Product Unit of Measure",
        copy=False,
        help="Units the OMS cancelled and asked the shop to refund, which the shop's line "
        "has not shown yet: a shop update dropping them only catches up.",
    )

    def _oms_cancellable(self):
        """``(units, started deliveries)``: the units of the line customer service may still
        cancel, in the line's unit - those in open deliveries no node started, and those no
        delivery carries yet (an order on hold or waiting for stock) - and the open
        deliveries already being prepared that hold the rest."""
        self.ensure_one()
        outgoing, _incoming = self._get_outgoing_incoming_moves()
        open_moves = outgoing.filtered(lambda m: m.state not in ("done", "cancel"))
        started = open_moves.filtered(lambda m: m._oms_chain_started())
        free = sum(
            move.product_uom._compute_quantity(move.product_uom_qty, self.product_uom)
            for move in open_moves - started
        )
        free += max(self.product_uom_qty - self._get_qty_procurement(), 0.0)
        # Goods a transfer brings to the pickup store: busy once the transfer started.
        busy_transfers = self.order_id.picking_ids.filtered(
            lambda p: (
                p.oms_shipment_kind == "transfer"
                and p.state not in ("done", "cancel")
                and p._oms_chain_started()
            )
        )
        for move in busy_transfers.move_ids.filtered(
            lambda m: m.product_id == self.product_id and m.state != "cancel"
        ):
            free -= move.product_uom._compute_quantity(move.product_uom_qty, self.product_uom)
        return max(free, 0.0), started.picking_id | busy_transfers
