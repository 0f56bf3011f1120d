# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    oms_delivered_by_order = fields.Boolean(
        string="Delivered by the Order",
        help="The till took the payment of a sale order line whose goods the order's own "
        "delivery hands over or ships (click & collect, endless aisle): the till moves no "
        "stock for it.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "oms_delivered_by_order"]
