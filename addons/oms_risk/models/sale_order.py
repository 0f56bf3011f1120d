# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The risk check of an order: facts gathered, scored by the engine against its channel's
policy, the outcome applied before routing (pass, prepayment required, review), recorded and
explained; a person approves or rejects an order held for review."""

from datetime import timezone
from decimal import Decimal

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

try:  # the manifest's external dependency
    from oms_engine.risk import (
        Address,
        ExternalRiskScore,
        FirstOrderRule,
        LargeQuantityRule,
        RiskFacts,
        RiskLine,
        VelocityRule,
        assess,
        lookback,
    )
except ImportError:  # pragma: no cover
    assess = None

RISK_STATES = [
    ("none", "Not checked"),
    ("pass", "Passed"),
    ("prepay", "Prepayment required"),
    ("review", "To review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
SHOP_RISKS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
REVIEWERS = "oms_omnichannel.group_oms_customer_service"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_risk_state = fields.Selection(
        RISK_STATES, string="Risk", default="none", copy=False, readonly=True, index=True
    )
    oms_risk_score = fields.Float(string="Risk Score", copy=False, readonly=True)
    oms_risk_decision_ids = fields.One2many(
        "oms.risk.decision", "sale_order_id", string="Risk History", readonly=True
    )
    oms_risk_explanation_html = fields.Html(
        string="Why (Risk)", compute="_compute_oms_risk_explanation_html", sanitize=False
    )
    # What the shop and an external risk service said (canonical order, "risk").
    oms_shop_risk = fields.Selection(SHOP_RISKS, string="Shop's Risk Verdict", copy=False)
    oms_risk_provider = fields.Char(string="Risk Service", copy=False)
    oms_risk_provider_score = fields.Float(string="Risk Service Score", copy=False)
    oms_risk_provider_answered = fields.Boolean(copy=False)
    oms_risk_provider_detail = fields.Char(copy=False)

    def _compute_oms_risk_explanation_html(self):
        for order in self:
            checks = order.oms_risk_decision_ids.filtered(lambda d: d.kind == "check")[:1]
            reviews = order.oms_risk_decision_ids.filtered(lambda d: d.kind == "review")[:1]
            order.oms_risk_explanation_html = (reviews.explanation_html or Markup("")) + (
                checks.explanation_html or Markup("")
            )

    # ------------------------------------------------------------------ the check

    def _oms_release_blocks(self):
        blocks = super()._oms_release_blocks()
        if self.oms_risk_state == "review":
            blocks.append(
                self.env._(
                    "It waits for a person to review its risk (score %s).",
                    f"{self.oms_risk_score:g}",
                )
            )
        return blocks

    def action_confirm(self):
        # Before the payment gate and routing: a prepayment the check requires is the
        # gate's to hold, a review holds the release.
        checked = self._oms_check_risk()
        result = super().action_confirm()
        checked._oms_log_risk_decision()
        return result

    def _oms_check_risk(self):
        """Score the orders of a channel with a risk policy; apply and record the outcome.
        Returns the orders checked."""
        orders = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.oms_channel_id.risk_policy_id
                and o.oms_risk_state == "none"
            )
        )
        Decision = self.env["oms.risk.decision"].sudo()
        decisions = []
        for order in orders:
            policy = order.oms_channel_id.risk_policy_id
            engine_policy = policy._engine_policy()
            assessment = assess(engine_policy, order._oms_risk_facts(policy, engine_policy))
            order.write(
                {
                    "oms_risk_state": assessment.outcome,
                    "oms_risk_score": assessment.score,
                    "oms_payment_forced": assessment.outcome == "prepay",
                }
            )
            decisions.append(Decision._from_assessment(order, policy, assessment))
        Decision.create(decisions)
        return orders

    def _oms_log_risk_decision(self):
        """The risk check in the order's chatter, in the reader's words (one batch)."""
        bodies = {}
        for order in self.filtered(lambda o: o.oms_risk_state != "pass" or o.oms_risk_score):
            decision = order.oms_risk_decision_ids.filtered(lambda d: d.kind == "check")[:1]
            bodies[order.id] = (
                Markup("<p><strong>%s</strong></p>") % self.env._("Risk check")
                + decision.explanation_html
            )
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies=bodies)

    def _oms_risk_facts(self, policy, engine_policy):
        """What the engine's rules read about the order. The customer's and the products'
        history is read only for the rules the policy has."""
        self.ensure_one()
        rule_types = {type(rule) for rule in engine_policy.rules}
        moment = fields.Datetime.to_datetime(self.date_order).replace(tzinfo=timezone.utc)
        value = self.currency_id._convert(
            self.amount_total, policy.currency_id, self.company_id, self.date_order.date()
        )
        customer = self.partner_id.commercial_partner_id
        previous = 0
        if FirstOrderRule in rule_types:
            previous = self.search_count(
                [
                    ("partner_id.commercial_partner_id", "=", customer.id),
                    ("state", "=", "sale"),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        customer_times = address_times = ()
        if VelocityRule in rule_types:
            customer_times, address_times = self._oms_order_times_near(
                moment, lookback(engine_policy)
            )
        lines = ()
        if LargeQuantityRule in rule_types:
            lines = self._oms_risk_lines()
        external = None
        if self.oms_risk_provider:
            external = ExternalRiskScore(
                self.oms_risk_provider,
                self.oms_risk_provider_score if self.oms_risk_provider_answered else None,
                self.oms_risk_provider_detail or "",
            )
        return RiskFacts(
            order_id=str(self.id),
            order_time=moment,
            currency=policy.currency_id.name,
            order_value=Decimal(str(policy.currency_id.round(value))),
            lines=lines,
            email=self.partner_id.email or "",
            billing=_address(self.partner_invoice_id),
            shipping=_address(self.partner_shipping_id),
            previous_orders=previous,
            customer_order_times=customer_times,
            address_order_times=address_times,
            shop_risk=self.oms_shop_risk or None,
            external=external,
            paid=self.oms_payment_status in ("paid", "authorized"),
        )

    def _oms_order_times_near(self, moment, window):
        """When the customer's other orders, and other orders to the same address, were
        placed within ``window`` of ``moment`` (either side: a burst counts as one)."""
        start = (moment - window).replace(tzinfo=None)
        end = (moment + window).replace(tzinfo=None)
        near = [("date_order", ">=", start), ("date_order", "<=", end), ("id", "!=", self.id)]
        customer = self.partner_id.commercial_partner_id
        by_customer = self.search_read(
            [*near, ("partner_id.commercial_partner_id", "=", customer.id)], ["date_order"]
        )
        by_address = self.search_read(
            [*near, ("partner_shipping_id", "=", self.partner_shipping_id.id)], ["date_order"]
        )
        return (
            tuple(row["date_order"].replace(tzinfo=timezone.utc) for row in by_customer),
            tuple(row["date_order"].replace(tzinfo=timezone.utc) for row in by_address),
        )

    def _oms_risk_lines(self):
        """Each product line with how the product usually sells: in how many earlier orders,
        how many units per order."""
        lines = self.order_line.filtered(
            lambda line: line.product_id.type == "consu" and line.product_uom_qty > 0
        )
        history = {
            product.id: (orders, mean or 0.0)
            for product, orders, mean in self.env["sale.order.line"]._read_group(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("state", "=", "sale"),
                    ("order_id", "!=", self.id),
                ],
                ["product_id"],
                ["order_id:count_distinct", "product_uom_qty:avg"],
            )
        }
        return tuple(
            RiskLine(
                sku=str(line.product_id.id),
                quantity=max(1, round(line.product_uom_qty)),
                history_orders=history.get(line.product_id.id, (0, 0.0))[0],
                history_mean_quantity=float(history.get(line.product_id.id, (0, 0.0))[1]),
                name=line.product_id.display_name,
            )
            for line in lines
        )

    # ------------------------------------------------------------------ the review

    def _oms_check_reviewer(self):
        if not self.env.user.has_group(REVIEWERS):
            raise AccessError(self.env._("Only customer service reviews orders."))
        self.check_access("write")
        not_held = self.filtered(lambda o: o.oms_risk_state != "review" or o.state != "sale")
        if not_held:
            raise UserError(
                self.env._("%s is not waiting for a review.", ", ".join(not_held.mapped("name")))
            )

    def action_oms_risk_approve(self):
        """Open the review dialog to approve the orders, with a reason."""
        return self._oms_review_dialog("approve")

    def action_oms_risk_reject(self):
        """Open the review dialog to reject the orders, with a reason."""
        return self._oms_review_dialog("reject")

    def _oms_review_dialog(self, decision):
        self._oms_check_reviewer()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "oms_risk.oms_risk_review_wizard_action"
        )
        action["context"] = {"default_sale_order_ids": self.ids, "default_decision": decision}
        return action

    def _oms_risk_approve(self, note=""):
        """Approved: recorded with the reviewer and their reason, then released when
        nothing else holds the order (a payment it still waits for)."""
        self._oms_check_reviewer()
        orders = self.sudo()
        self.env["oms.risk.decision"].sudo().create(
            [
                {
                    "sale_order_id": order.id,
                    "policy_id": order.oms_channel_id.risk_policy_id.id,
                    "kind": "review",
                    "outcome": "approved",
                    "score": order.oms_risk_score,
                    "user_id": self.env.user.id,
                    "note": note,
                }
                for order in orders
            ]
        )
        orders.write({"oms_risk_state": "approved"})
        orders._oms_log_review()
        orders._oms_release(self.env._("%s approved it after review.", self.env.user.name))
        return True

    def _oms_risk_reject(self, note):
        """Rejected: recorded, then cancelled - stock released, the shop told (reason
        ``declined``), the customer told in neutral words."""
        self._oms_check_reviewer()
        if not (note or "").strip():
            raise UserError(self.env._("Say why the order is rejected."))
        orders = self.sudo()
        self.env["oms.risk.decision"].sudo().create(
            [
                {
                    "sale_order_id": order.id,
                    "policy_id": order.oms_channel_id.risk_policy_id.id,
                    "kind": "review",
                    "outcome": "rejected",
                    "score": order.oms_risk_score,
                    "user_id": self.env.user.id,
                    "note": note,
                }
                for order in orders
            ]
        )
        orders.write({"oms_risk_state": "rejected"})
        orders._oms_log_review()
        for order in orders:
            customer_env = order.with_context(lang=order.partner_id.lang or self.env.lang).env
            if order.locked:
                order.action_unlock()
            order.with_context(
                disable_cancel_warning=True,
                oms_cancel_reason="declined",
                oms_cancel_message=customer_env._("We are sorry: we could not accept this order."),
            ).action_cancel()
        return True

    def _oms_log_review(self):
        bodies = {
            order.id: order.oms_risk_decision_ids.filtered(lambda d: d.kind == "review")[
                :1
            ].explanation_html
            for order in self
        }
        self._message_log_batch(bodies=bodies)

    @api.model
    def _oms_risk_review_domain(self):
        return [("oms_risk_state", "=", "review"), ("state", "=", "sale")]


def _address(partner):
    if not partner:
        return None
    return Address(
        country=partner.country_id.code or "",
        postal_code=partner.zip or "",
        city=partner.city or "",
        street=" ".join(filter(None, [partner.street, partner.street2])),
    )
