# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class OmsCustomerMessage(models.Model):
    _inherit = "oms.customer.message"

    def _still_true(self):
        # Paid meanwhile: no reminder, no instructions.
        if self.event in ("payment_instructions", "payment_reminder"):
            return self.order_id.state == "sale" and self.order_id.oms_payment_hold
        return super()._still_true()
