# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier without a carrier account of its own asks the retailer's carrier for a label
(the core's ``oms.label.request``: the sync service buys it, ``oms.intake.apply_labels``
attaches the PDF and the tracking number to the delivery)."""

from odoo import fields, models

LABEL_STATES = [
    ("none", "No label asked for"),
    ("requested", "Label on its way"),
    ("bought", "Label ready"),
    ("failed", "No label: the carrier refused"),
]


# The label is a concern of its own, kept apart from the supplier's steps.
class OmsDropshipDelivery(models.Model):
    _inherit = "oms.dropship.delivery"  # pylint: disable=consider-merging-classes-inherited

    label_state = fields.Selection(LABEL_STATES, compute="_compute_label", string="Label")
    label_error = fields.Char(compute="_compute_label", string="Why No Label")

    def _compute_label(self):
        for delivery in self:
            request = delivery._oms_label_request()
            delivery.label_state = request.state or "none"
            delivery.label_error = (request.error or "") if request.state == "failed" else ""

    def _oms_label_key(self):
        self.ensure_one()
        return f"dropship-{self.picking_id.id}"

    def _oms_label_request(self):
        self.ensure_one()
        return (
            self.env["oms.label.request"]
            .sudo()
            .search([("key", "=", self._oms_label_key())], limit=1)
        )

    def _oms_request_label(self):
        """Ask for the parcel's label, from the supplier's address to the customer's, with
        the delivery's carrier; asking again returns the same request."""
        self.ensure_one()
        self._oms_lock()
        self._oms_check_open(("accepted",))
        picking = self.picking_id.sudo()
        return self.env["oms.label.request"]._oms_request(
            picking,
            self._oms_label_key(),
            "outbound",
            self.warehouse_id.sudo().partner_id,
            picking.partner_id,
            carrier_code=picking.carrier_id.oms_carrier_code or False,
            reference=picking.name,
        )

    def _oms_label_attachment(self):
        """The label's PDF once the carrier sold it, else an empty recordset."""
        self.ensure_one()
        return self._oms_label_request().label_attachment_id
