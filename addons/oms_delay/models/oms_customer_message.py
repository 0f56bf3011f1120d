# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class OmsCustomerMessage(models.Model):
    _inherit = "oms.customer.message"

    def _still_true(self):
        # Delivered meanwhile: no delay notice.
        if (
            self.event == "delayed"
            and self.picking_ids
            and all(p.oms_tracking_status == "delivered" for p in self.picking_ids)
        ):
            return False
        return super()._still_true()
