# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    risk_policy_id = fields.Many2one(
        "oms.risk.policy",
        check_company=True,
        help="The rules every order of this channel is scored against. Empty: no risk check.",
    )
