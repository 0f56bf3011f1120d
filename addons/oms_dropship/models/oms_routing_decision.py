# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DROPSHIP_TRIGGERS = [("dropship_rejected", "Turned down by the supplier")]


class OmsRoutingDecision(models.Model):
    _inherit = "oms.routing.decision"

    trigger = fields.Selection(
        selection_add=DROPSHIP_TRIGGERS,
        ondelete={code: "set default" for code, _label in DROPSHIP_TRIGGERS},
    )
