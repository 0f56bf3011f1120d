# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    oms_returnable = fields.Boolean(
        string="Returnable",
        default=True,
        help="Customers may send it back (not for hygiene items, made-to-measure goods, ...).",
    )
    oms_refurbish_cost = fields.Monetary(
        string="Refurbishing Cost",
        currency_field="currency_id",
        help="What refurbishing one returned unit costs (0: it is not refurbished).",
    )
    oms_vendor_credit = fields.Monetary(
        string="Supplier Credit",
        currency_field="currency_id",
        help="What the supplier credits for a faulty unit sent back (0: the supplier takes "
        "none back).",
    )
    oms_scrap_value = fields.Monetary(
        string="Salvage Value", currency_field="currency_id", help="What a scrapped unit recovers."
    )
