# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .oms_order_refund import RESTOCK_TYPES


class OmsRefundRequestLine(models.Model):
    _name = "oms.refund.request.line"
    _description = "Refund Request Line"
    _order = "request_id, id"

    request_id = fields.Many2one(
        "oms.refund.request", required=True, ondelete="cascade", index=True
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", ondelete="set null")
    product_id = fields.Many2one("product.product", required=True)
    external_line_id = fields.Char(string="Shop Line ID")
    quantity = fields.Float(
        digits="Product Unit of Measure", help="Units refunded, in the order line's unit."
    )
    product_uom = fields.Many2one("uom.uom", string="Unit")
    currency_id = fields.Many2one(related="request_id.currency_id")
    amount = fields.Monetary(
        help="What the customer paid for these units (price, discount and taxes as charged)."
    )
    amount_untaxed = fields.Monetary(string="Amount without Taxes")
    restock_type = fields.Selection(RESTOCK_TYPES, required=True, default="cancel")
