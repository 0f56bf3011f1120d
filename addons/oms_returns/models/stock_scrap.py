# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    oms_return_line_id = fields.Many2one(
        "oms.return.line", string="Return Line", readonly=True, index="btree_not_null", copy=False
    )
