# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    oms_external_line_id = fields.Char(
        string="External Line ID",
        copy=False,
        help="The shop's id of this line, echoed in shipment events so the shop can "
        "fulfil the right line.",
    )
