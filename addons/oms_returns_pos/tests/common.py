# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An online order shipped from the DC to the customer, who brings it back to store A."""

from odoo.addons.oms_omnichannel_pos.tests.pos_common import OmsStoreTillCase


class OmsTillReturnMixin:
    @classmethod
    def _shipped_web_order(cls, lines):
        """A web order shipped from the DC (the stores are left out) and delivered."""
        stores = cls.store_a | cls.store_b
        stores.write({"oms_routing_enabled": False})
        order = cls._web_order(lines, client_order_ref="#W-2001")
        stores.write({"oms_routing_enabled": True})
        for picking in order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()
        return order


class OmsTillReturnCase(OmsTillReturnMixin, OmsStoreTillCase):
    pass
