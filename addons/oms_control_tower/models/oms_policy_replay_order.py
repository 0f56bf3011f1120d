from datetime import date

from odoo import api, fields, models
from odoo.tools import format_amount, format_date


class OmsPolicyReplayOrder(models.Model):
    """An order the candidate policy would route differently: both plans, both reasons."""

    _name = "oms.policy.replay.order"
    _description = "Sourcing Policy Replay: Order That Would Change"
    _order = "replay_id, id"

    replay_id = fields.Many2one("oms.policy.replay", required=True, ondelete="cascade", index=True)
    decision_id = fields.Many2one("oms.routing.decision", readonly=True)
    sale_order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    currency_id = fields.Many2one(related="replay_id.currency_id")
    decided_figures = fields.Json(readonly=True)
    replay_figures = fields.Json(readonly=True)
    replay_statements = fields.Json(readonly=True)
    decided_summary = fields.Char(string="Decided", compute="_compute_texts")
    replay_summary = fields.Char(string="Replayed", compute="_compute_texts")
    decided_explanation = fields.Text(string="Why (decided)", compute="_compute_texts")
    replay_explanation = fields.Text(string="Why (replayed)", compute="_compute_texts")
    decided_cost = fields.Monetary(compute="_compute_texts", string="Cost (decided)")
    replay_cost = fields.Monetary(compute="_compute_texts", string="Cost (replayed)")

    @api.depends("decided_figures", "replay_figures", "replay_statements")
    @api.depends_context("lang")
    def _compute_texts(self):
        explanation = self.env["oms.routing.explanation"]
        for line in self:
            company = line.replay_id.company_id or self.env.company
            line.decided_summary = line._summary(line.decided_figures or {})
            line.replay_summary = line._summary(line.replay_figures or {})
            line.decided_cost = (line.decided_figures or {}).get("cost", 0.0)
            line.replay_cost = (line.replay_figures or {}).get("cost", 0.0)
            line.decided_explanation = "\n".join(
                line.decision_id.sudo()._explanation_paragraphs(parts=("plan",))
            )
            line.replay_explanation = "\n".join(
                explanation._render(line.replay_statements or [], company)
            )

    def _summary(self, figures):
        """ "2 packages from DC Berlin, Store Munich; 9,50 €; arrives by 3 Dec 2026"."""
        if not figures:
            return ""
        warehouses = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.replay_id.company_id.id)])
        )
        names = {self.env["oms.network"]._node_id(wh): wh.name for wh in warehouses}
        nodes = []
        for shipment in figures.get("shipments", []):
            name = names.get(shipment[0], shipment[0])
            if name not in nodes:
                nodes.append(name)
        text = self.env._(
            "%(packages)s package(s) from %(nodes)s; %(cost)s",
            packages=figures.get("packages", 0),
            nodes=", ".join(nodes) or self.env._("nowhere"),
            cost=format_amount(self.env, figures.get("cost", 0.0), self.currency_id),
        )
        if figures.get("promised"):
            text = self.env._(
                "%(text)s; arrives by %(date)s",
                text=text,
                date=format_date(self.env, date.fromisoformat(figures["promised"])),
            )
        return text
