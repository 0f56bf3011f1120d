# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.oms_return_line import GRADES, REASONS


class OmsReturnWizardLine(models.TransientModel):
    _name = "oms.return.wizard.line"
    _description = "Start a Return: line"

    wizard_id = fields.Many2one("oms.return.wizard", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", required=True)
    product_id = fields.Many2one(related="sale_line_id.product_id")
    returnable = fields.Float(
        string="May Come Back", digits="Product Unit of Measure", readonly=True
    )
    quantity = fields.Float(string="Returned", digits="Product Unit of Measure")
    reason = fields.Selection(REASONS, required=True, default="changed_mind")
    condition = fields.Selection(GRADES, required=True, default="as_new")
    exchange_product_id = fields.Many2one("product.product", string="Exchange For")
