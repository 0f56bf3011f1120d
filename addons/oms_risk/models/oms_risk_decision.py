# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the risk check decided about an order, and what a person decided on review: kept as
data (the engine's reason codes and parameters) and said in the reader's language when read,
like a routing decision."""

from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.addons.oms_omnichannel.models.oms_customer_message import TIMES
from odoo.tools import format_amount

OUTCOMES = [
    ("pass", "Passed"),
    ("prepay", "Prepayment required"),
    ("review", "To review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]


class OmsRiskDecision(models.Model):
    _name = "oms.risk.decision"
    _description = "Risk Decision"
    _order = "id desc"

    sale_order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True)
    policy_id = fields.Many2one("oms.risk.policy", ondelete="set null")
    kind = fields.Selection([("check", "Risk check"), ("review", "Review")], required=True)
    outcome = fields.Selection(OUTCOMES, required=True)
    score = fields.Float()
    reasons = fields.Json(help="The rules that fired: code, points, parameters, rule id.")
    summary = fields.Json(help="The engine's summary: code and parameters.")
    user_id = fields.Many2one("res.users", string="Reviewed By")
    note = fields.Text(string="Reviewer's Reason")
    explanation_html = fields.Html(
        string="Why", compute="_compute_explanation_html", sanitize=False
    )

    @api.depends("reasons", "summary", "outcome", "note", "user_id")
    def _compute_explanation_html(self):
        for decision in self:
            paragraphs = decision._explanation()
            decision.explanation_html = Markup("").join(Markup("<p>%s</p>") % p for p in paragraphs)

    def _explanation(self):
        """The decision in plain sentences: what it means for the order, then each rule that
        fired with its points."""
        self.ensure_one()
        if self.kind == "review":
            verdict = {
                "approved": self.env._("%(user)s approved the order after review."),
                "rejected": self.env._("%(user)s rejected the order after review."),
            }[self.outcome] % {"user": self.user_id.name}
            return [verdict] + ([self.note] if self.note else [])
        sentences = [self._summary_text()]
        for reason in self.reasons or []:
            points = reason.get("points", 0)
            sentences.append(
                self.env._(
                    "%(reason)s (+%(points)s points)",
                    reason=self._reason_text(reason),
                    points=f"{points:g}",
                )
            )
        return sentences

    def _summary_text(self):
        summary = self.summary or {}
        params = summary.get("params", {})
        score = f"{self.score:g}"
        code = summary.get("code")
        if code == "risk_review":
            return self.env._(
                "Risk score %(score)s reaches the review threshold %(threshold)s: the order waits "
                "for a person to approve or reject it.",
                score=score,
                threshold=f"{params.get('review_at') or 0:g}",
            )
        if code == "risk_prepay":
            return self.env._(
                "Risk score %(score)s reaches the prepayment threshold %(threshold)s: the order "
                "is released only once it is paid.",
                score=score,
                threshold=f"{params.get('prepay_at') or 0:g}",
            )
        if code == "risk_prepay_already_paid":
            return self.env._(
                "Risk score %(score)s reaches the prepayment threshold %(threshold)s, but the "
                "order is already paid: it goes ahead.",
                score=score,
                threshold=f"{params.get('prepay_at') or 0:g}",
            )
        if not self.reasons:
            return self.env._("No risk rule fired: the order goes ahead.")
        return self.env._("Risk score %s, below every threshold: the order goes ahead.", score)

    def _reason_text(self, reason):
        """One rule that fired, in words; a rule this version does not know is said by its
        own sentence from the engine."""
        code, params = reason.get("rule"), reason.get("params") or {}
        currency = self.policy_id.currency_id or self.company_id.currency_id
        if code == "large_quantity":
            Product = self.env["product.product"].sudo()
            lines = ", ".join(
                self.env._(
                    "%(quantity)s %(times)s %(product)s (usually %(usual)s per order)",
                    quantity=quantity,
                    times=TIMES,
                    product=Product.browse(int(product_id)).display_name,
                    usual=f"{usual:.3g}",
                )
                for product_id, quantity, usual in params.get("lines", [])
            )
            return self.env._(
                "Unusually large quantity, %(factor)s times the usual or more: %(lines)s.",
                factor=f"{params.get('factor', 0):g}",
                lines=lines,
            )
        if code == "order_value":
            return self.env._(
                "The order is worth %(value)s, at or above %(threshold)s.",
                value=format_amount(self.env, float(params.get("value", 0)), currency),
                threshold=format_amount(self.env, float(params.get("threshold", 0)), currency),
            )
        if code == "first_order":
            return self.env._("This is the customer's first order.")
        if code == "address_mismatch":
            return self.env._(
                "The billing address (%(billing)s) differs from the shipping address "
                "(%(shipping)s).",
                billing=self._address_text(params.get("billing")),
                shipping=self._address_text(params.get("shipping")),
            )
        if code == "block_list":
            labels = {
                "email": self.env._("the e-mail address"),
                "email_domain": self.env._("the e-mail domain"),
                "shipping_address": self.env._("the shipping address"),
                "billing_address": self.env._("the billing address"),
            }
            what = self.env._(" and ").join(labels.get(m, m) for m in params.get("matches", []))
            return self.env._("On the block list: %s.", what)
        if code == "velocity":
            hours = params.get("window_hours", 0)
            span = (
                self.env._("%s hours", f"{hours:g}")
                if hours < 72
                else self.env._("%s days", f"{hours / 24:g}")
            )
            if params.get("per") == "address":
                return self.env._(
                    "%(orders)s orders went to the same shipping address within %(span)s (more "
                    "than %(max)s).",
                    orders=params.get("orders"),
                    span=span,
                    max=params.get("max_orders"),
                )
            return self.env._(
                "The customer placed %(orders)s orders within %(span)s (more than %(max)s).",
                orders=params.get("orders"),
                span=span,
                max=params.get("max_orders"),
            )
        if code == "shop_verdict":
            level = {"high": self.env._("high"), "medium": self.env._("medium")}.get(
                params.get("level"), params.get("level")
            )
            return self.env._("The shop rated the order %s risk.", level)
        if code == "external_score":
            if params.get("score") is None:
                return self.env._("The risk service %s gave no score.", params.get("provider", ""))
            return self.env._(
                "The risk service %(provider)s scored the order %(score)s (counts from "
                "%(threshold)s).",
                provider=params.get("provider", ""),
                score=f"{params['score']:.2f}",
                threshold=f"{params.get('threshold', 0):.2f}",
            )
        return reason.get("text") or str(code).replace("_", " ")

    def _address_text(self, address):
        """An address of the facts in words: street, postal code and city, country name."""
        if not isinstance(address, dict):
            return address or ""
        country = self.env["res.country"].search([("code", "=", address.get("country"))], limit=1)
        place = " ".join(filter(None, [address.get("postal_code"), address.get("city")]))
        return ", ".join(
            filter(None, [address.get("street"), place, country.name or address.get("country")])
        )

    @api.model
    def _from_assessment(self, order, policy, assessment):
        """The values of the decision recording ``assessment`` (the engine's) of ``order``."""
        return {
            "sale_order_id": order.id,
            "policy_id": policy.id,
            "kind": "check",
            "outcome": assessment.outcome,
            "score": assessment.score,
            "summary": {
                "code": assessment.summary.code,
                "params": _plain(assessment.summary.params),
            },
            "reasons": [
                {
                    "rule": reason.rule,
                    "points": reason.points,
                    "ref": reason.ref,
                    "text": reason.text,
                    "params": _plain(reason.params),
                }
                for reason in assessment.reasons
            ],
        }


def _plain(params):
    """The engine's parameters as JSON: amounts as text, windows in hours, addresses as
    their parts, tuples as lists."""
    result = {}
    for name, value in dict(params).items():
        if isinstance(value, timedelta):
            name, value = "window_hours", value.total_seconds() / 3600
        elif hasattr(value, "country") and hasattr(value, "postal_code"):
            value = {
                "street": value.street,
                "postal_code": value.postal_code,
                "city": value.city,
                "country": value.country,
            }
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        elif value is not None and not isinstance(value, (int, float, str, bool, list, dict)):
            value = str(value)
        result[name] = value
    return result
