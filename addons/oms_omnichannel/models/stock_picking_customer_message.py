# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer messages of deliveries: a parcel shipped, a click & collect order ready."""

from odoo import models


# Customer messages are a concern of their own, kept apart from routing's file of the
# same model.
class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self):
        result = super()._action_done()
        self._oms_tell_shipped()
        return result

    def _oms_tell_shipped(self):
        """Each parcel that left for a customer of a channel: "your parcel is on its way",
        with what it carries, its carrier and tracking link. A collected order's handover
        and a transfer to a store are no parcel."""
        parcels = self.filtered(
            lambda p: (
                p.state == "done"
                and p.picking_type_code == "outgoing"
                and p.location_dest_id.usage == "customer"
                and p.oms_shipment_kind not in ("pickup", "transfer")
                and p.sale_id.oms_delivery_mode == "ship"
                and p.sale_id._oms_tells_customer()
            )
        )
        for picking in parcels:
            picking.sale_id._oms_notify_customer("shipped", pickings=picking)

    def _oms_tell_ready_for_pickup(self):
        """A click & collect handover whose goods are all in the store and set aside
        (reserved, every item marked picked): "your order is ready". Not while it is being
        handed over (validating marks everything picked)."""
        validating = set(self.env.context.get("button_validate_picking_ids") or ())
        ready = self.filtered(
            lambda p: (
                p.id not in validating
                and p.oms_shipment_kind == "pickup"
                and p.state == "assigned"
                and p.sale_id._oms_tells_customer()
                and p._oms_pickup_ready_automatically()
                and all(m.picked for m in p.move_ids if m.state != "cancel")
            )
        )
        for picking in ready:
            picking.sale_id._oms_notify_customer("ready_for_pickup", pickings=picking)

    def _oms_pickup_ready_automatically(self):
        """Hook: whether marking a handover's items picked tells the customer it is ready.
        A store addon that marks orders ready itself (and sends the message with the key
        ``picking-<id>``) may switch it off."""
        self.ensure_one()
        return True
