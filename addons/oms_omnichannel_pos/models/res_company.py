# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    oms_store_offer_count = fields.Integer(
        string="Stores Competing",
        default=1,
        help="Offer each ship-from-store order to this many stores at once (the best ones "
        "for it, as routing ranks them): the first to accept wins and the other offers "
        "close. 1: only the store routing chose.",
    )
