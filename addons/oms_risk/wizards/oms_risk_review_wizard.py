# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import api, fields, models


class OmsRiskReviewWizard(models.TransientModel):
    """A person's review of orders the risk check held: the reasons shown, approve or
    reject with a reason of their own."""

    _name = "oms.risk.review.wizard"
    _description = "Review Risky Orders"

    sale_order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    decision = fields.Selection(
        [("approve", "Approve: release the order"), ("reject", "Reject: cancel the order")],
        required=True,
        default="approve",
    )
    note = fields.Text(
        string="Reason",
        help="Why, for the order's history (required to reject). The customer is not shown it.",
    )
    reasons_html = fields.Html(string="Why it was held", compute="_compute_reasons_html")

    @api.depends("sale_order_ids")
    def _compute_reasons_html(self):
        for wizard in self:
            parts = []
            for order in wizard.sale_order_ids:
                parts.append(Markup("<h5>%s</h5>") % order.display_name)
                parts.append(order.oms_risk_explanation_html or Markup(""))
            wizard.reasons_html = Markup("").join(parts)

    def action_apply(self):
        self.ensure_one()
        orders = self.sale_order_ids
        if self.decision == "approve":
            orders._oms_risk_approve(self.note or "")
        else:
            orders._oms_risk_reject(self.note or "")
        return {"type": "ir.actions.act_window_close"}
