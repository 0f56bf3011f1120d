from odoo import fields, models


class OmsReplenishmentReject(models.TransientModel):
    """Why the OMS manager rejects proposals: kept on each of them."""

    _name = "oms.replenishment.reject"
    _description = "Reject Replenishment Proposals"

    proposal_ids = fields.Many2many("oms.replenishment.proposal", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.proposal_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
