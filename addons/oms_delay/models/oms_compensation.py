# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import format_amount

KINDS = [("express_fee_refund", "Express fee refunded"), ("voucher", "Voucher")]


class OmsCompensation(models.Model):
    """What a customer got for a broken delivery promise: once per order and kind, with the
    engine's reasons, and how it was given (a refund through the shop, a gift card)."""

    _name = "oms.compensation"
    _description = "Compensation"
    _order = "id desc"

    sale_order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, help="The commercial partner."
    )
    delay_id = fields.Many2one("oms.delivery.delay", ondelete="set null")
    kind = fields.Selection(KINDS, required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one("res.currency", required=True)
    capped_from = fields.Monetary(help="The amount before a cap cut it.")
    granted_on = fields.Date(required=True, default=fields.Date.context_today)
    reasons = fields.Json(help="The engine's reasons: code and parameters.")
    explanation_html = fields.Html(
        string="Why", compute="_compute_explanation_html", sanitize=False
    )
    loyalty_card_id = fields.Many2one("loyalty.card", string="Voucher", ondelete="set null")
    refund_request_ref = fields.Reference(
        selection="_refund_request_models", string="Refund Request"
    )

    _sql_constraints = [
        (
            "order_kind_unique",
            "unique(sale_order_id, kind)",
            "Each compensation is given once per order.",
        ),
    ]

    @api.model
    def _refund_request_models(self):
        return (
            [("oms.refund.request", "Refund request")] if "oms.refund.request" in self.env else []
        )

    @api.depends("reasons", "amount", "kind")
    def _compute_explanation_html(self):
        for grant in self:
            grant.explanation_html = Markup("").join(
                Markup("<p>%s</p>") % text for text in grant._texts()
            )

    def _texts(self):
        self.ensure_one()
        currency = self.currency_id
        money = lambda value: format_amount(self.env, float(value or 0), currency)  # noqa: E731
        texts = []
        for reason in self.reasons or []:
            code, params = reason.get("code"), reason.get("params") or {}
            days = params.get("delay_days")
            if code == "express_fee_refund":
                texts.append(
                    self.env._(
                        "The express delivery arrived %(days)s day(s) late: the express fee of "
                        "%(amount)s is refunded.",
                        days=days,
                        amount=money(params.get("amount", self.amount)),
                    )
                )
            elif code == "voucher":
                texts.append(
                    self.env._(
                        "The order arrived %(days)s day(s) late: a voucher of %(amount)s.",
                        days=days,
                        amount=money(self.capped_from or self.amount),
                    )
                )
            elif code in ("order_cap", "customer_cap"):
                which = (
                    self.env._("per order") if code == "order_cap" else self.env._("per customer")
                )
                texts.append(
                    self.env._(
                        "Cut to %(amount)s by the cap %(which)s.",
                        amount=money(params.get("granted")),
                        which=which,
                    )
                )
            else:
                texts.append(reason.get("text") or str(code).replace("_", " "))
        return texts
