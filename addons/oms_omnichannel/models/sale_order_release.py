# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The release gate of an order: routed and reserved, but not released to the nodes while a
check holds it (a risk review, a payment awaited). The checks live in their addons; they
say what holds an order (``_oms_release_blocks``) and release it when it is clear."""

from markupsafe import Markup
from odoo import fields, models


# The gate is its own concern, kept apart from routing's file of the same model.
class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    oms_hold_reason = fields.Char(
        string="Not Released",
        compute="_compute_oms_hold_reason",
        help="What keeps the order's deliveries from the nodes. Its goods stay reserved.",
    )

    def _compute_oms_hold_reason(self):
        for order in self:
            order.oms_hold_reason = " ".join(order._oms_release_blocks())

    def _oms_release_blocks(self):
        """What keeps this order's deliveries from the nodes, as sentences for a person
        ("It waits for the customer's payment."): empty when nothing does. Each addon that
        holds orders adds its own."""
        self.ensure_one()
        return []

    def _oms_confirmation_waits(self):
        return super()._oms_confirmation_waits() or bool(self._oms_release_blocks())

    def _oms_hold_deliveries(self):
        """Hold the open deliveries of orders that something holds (their goods stay
        reserved); the deliveries routing makes for them later are born held."""
        for order in self:
            reasons = order._oms_release_blocks()
            if not reasons:
                continue
            open_pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            open_pickings.sudo().write(
                {"oms_released": False, "oms_hold_reason": " ".join(reasons)}
            )

    def _oms_release(self, why):
        """Release to the nodes the deliveries of the orders nothing holds any more: they may
        be picked and shipped, the order's chatter says ``why`` (a sentence), and the
        customer gets the confirmation the checks held back. Orders something still holds
        only get their deliveries' reason updated. Returns the orders released."""
        released = self.browse()
        for order in self.filtered(lambda o: o.state == "sale"):
            reasons = order._oms_release_blocks()
            held = order.picking_ids.filtered(
                lambda p: not p.oms_released and p.state not in ("done", "cancel")
            )
            if reasons:
                held.sudo().write({"oms_hold_reason": " ".join(reasons)})
                continue
            held.sudo().write({"oms_released": True, "oms_hold_reason": False})
            order._message_log(
                body=Markup("<p>%s</p>") % self.env._("Released to the nodes: %s", why)
            )
            released |= order
        released._oms_tells_customer()._oms_notify_customer("confirmed")
        return released
