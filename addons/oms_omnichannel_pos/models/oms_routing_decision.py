# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

STORE_TRIGGERS = [
    ("store_accepted", "Accepted by the store"),
    ("store_rejected", "Rejected by the store"),
    ("store_timeout", "Not accepted in time"),
    ("store_offer_won", "Taken by a competing store"),
    ("store_ready", "Ready for pickup"),
]


class OmsRoutingDecision(models.Model):
    _inherit = "oms.routing.decision"

    trigger = fields.Selection(
        selection_add=STORE_TRIGGERS,
        ondelete={code: "set default" for code, _label in STORE_TRIGGERS},
    )
