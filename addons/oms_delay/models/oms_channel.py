# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    compensation_policy_id = fields.Many2one(
        "oms.compensation.policy",
        check_company=True,
        help="What this channel's customers get when a delivery breaks its promise. Empty: no "
        "automatic compensation.",
    )
    delay_activity = fields.Boolean(
        string="Late Parcels to Customer Service",
        help="A late parcel also gets a to-do for the order's responsible, besides the "
        "customer's e-mail.",
    )
