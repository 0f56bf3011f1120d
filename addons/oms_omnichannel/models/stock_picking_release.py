# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The release gate of a delivery: goods reserved for an order that is not released to the
nodes yet (a risk review, a payment awaited) may not leave."""

from odoo import api, fields, models
from odoo.exceptions import UserError


# The gate is its own concern, kept apart from routing's file of the same model.
class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    oms_released = fields.Boolean(
        string="Released",
        default=True,
        copy=False,
        index=True,
        help="Released to the node: it may be picked and shipped. Not released: the order "
        "waits for a check or for its payment; its goods stay reserved for it, and the "
        "delivery cannot be validated until the order is released.",
    )
    oms_hold_reason = fields.Char(
        string="Held Because", copy=False, readonly=True, help="Why the order is not released."
    )

    @api.model_create_multi
    def create(self, vals_list):
        # A delivery made for an order that is held (by the router or by anyone) is born
        # held: the gate does not depend on which door created it.
        groups = self.env["procurement.group"].browse(
            {vals["group_id"] for vals in vals_list if vals.get("group_id")}
        )
        held = {}
        for group in groups:
            reasons = group.sale_id._oms_release_blocks() if group.sale_id else []
            if reasons:
                held[group.id] = " ".join(reasons)
        if held:
            for vals in vals_list:
                if vals.get("group_id") in held:
                    vals.update(oms_released=False, oms_hold_reason=held[vals["group_id"]])
        return super().create(vals_list)

    def _action_done(self):
        held = self.filtered(lambda p: not p.oms_released)
        if held:
            raise UserError(
                self.env._(
                    "%(deliveries)s cannot be validated: the order is not released yet (%(why)s)",
                    deliveries=", ".join(held.mapped("name")),
                    why=" ".join(dict.fromkeys(held.mapped("oms_hold_reason"))),
                )
            )
        return super()._action_done()
