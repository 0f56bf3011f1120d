from odoo import api, fields, models


class OmsReplenishmentProposalLine(models.Model):
    """One product of a proposal, with the engine's figures of why."""

    _name = "oms.replenishment.proposal.line"
    _description = "Replenishment Proposal Line"
    _order = "proposal_id, id"

    proposal_id = fields.Many2one(
        "oms.replenishment.proposal", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="proposal_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    quantity = fields.Integer(string="Units", required=True, readonly=True)
    reason_data = fields.Json(readonly=True)
    reason = fields.Text(string="Why", compute="_compute_reason")

    @api.depends_context("lang")
    @api.depends("reason_data", "quantity", "product_id", "proposal_id.kind")
    def _compute_reason(self):
        fmt = self.env["oms.replenishment.proposal"]._fmt
        for line in self:
            data = line.reason_data or {}
            proposal = line.proposal_id
            if proposal.kind != "transfer" or not data:
                line.reason = False
                continue
            line.reason = self.env._(
                "%(destination)s sells %(weekly)s a week and holds %(on_hand)s, short of the "
                "%(target)s that cover %(days)s days; %(origin)s holds %(source_on_hand)s, "
                "%(spare)s more than its own %(source_target)s. Moves %(quantity)s.",
                destination=proposal.warehouse_id.name,
                weekly=fmt(data.get("weekly_demand", 0.0), 1),
                on_hand=fmt(data.get("on_hand", 0)),
                target=fmt(data.get("target", 0)),
                days=fmt(data.get("cover_days", 0)),
                origin=proposal.source_warehouse_id.name,
                source_on_hand=fmt(data.get("source_on_hand", 0)),
                spare=fmt(data.get("source_on_hand", 0) - data.get("source_target", 0)),
                source_target=fmt(data.get("source_target", 0)),
                quantity=fmt(line.quantity),
            )
