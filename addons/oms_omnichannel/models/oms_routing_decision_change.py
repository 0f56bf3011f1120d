# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OmsRoutingDecision(models.Model):
    _inherit = "oms.routing.decision"

    # Customer service changed how the order is delivered (sale.order._oms_change_delivery_mode).
    trigger = fields.Selection(
        selection_add=[("mode", "Delivery mode changed")],
        ondelete={"mode": lambda decisions: decisions.write({"trigger": "reroute"})},
    )
