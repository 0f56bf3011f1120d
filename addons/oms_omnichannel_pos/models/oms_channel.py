# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    oms_pay_in_store_methods = fields.Char(
        string="Pay-in-Store Methods",
        default="pay_in_store",
        help="Payment methods of the shop (comma-separated, as the shop names them) that "
        "mean 'reserve, pay in store': such click & collect orders become store "
        "reservations that expire when not collected.",
    )

    def _oms_pay_in_store_methods(self):
        return {m.strip().lower() for m in (self.oms_pay_in_store_methods or "").split(",") if m.strip()}
