# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # What the shop last said of the order's delivery (oms.intake applies only the shop's own
    # changes since then, never undoing customer service's).
    oms_shop_address_key = fields.Char(copy=False, readonly=True)
    oms_shop_delivery_key = fields.Char(copy=False, readonly=True)
