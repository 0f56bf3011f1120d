# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

try:  # the manifest's external dependency
    from oms_engine.risk import (
        Address,
        AddressMismatchRule,
        BlockListRule,
        ExternalScoreRule,
        FirstOrderRule,
        LargeQuantityRule,
        OrderValueRule,
        ShopVerdictRule,
        VelocityRule,
    )
except ImportError:  # pragma: no cover
    Address = None

RULE_TYPES = [
    ("large_quantity", "Unusually large quantity"),
    ("order_value", "Order value"),
    ("first_order", "First order"),
    ("address_mismatch", "Billing and shipping differ"),
    ("block_list", "Block list"),
    ("velocity", "Many orders in a short time"),
    ("shop_verdict", "The shop's fraud verdict"),
    ("external_score", "External risk service"),
]
# The engine's setting -> this model's field, to name a refused setting in the form's words.
SETTING_FIELDS = {
    "weight": "weight",
    "factor": "factor",
    "min_quantity": "min_quantity",
    "min_history": "min_history",
    "threshold": "threshold_amount",
    "level": "mismatch_level",
    "emails": "blocked_emails",
    "email_domains": "blocked_domains",
    "addresses": "blocked_addresses",
    "max_orders": "max_orders",
    "window": "window_hours",
    "per": "velocity_per",
    "medium_weight": "medium_weight",
    "no_answer_points": "no_answer_points",
}


class OmsRiskRule(models.Model):
    """One weighted rule of a risk policy: what it looks at, its settings, the points it
    adds when it fires."""

    _name = "oms.risk.rule"
    _description = "Risk Rule"
    _order = "sequence, id"

    policy_id = fields.Many2one("oms.risk.policy", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    rule_type = fields.Selection(RULE_TYPES, string="Looks At", required=True)
    weight = fields.Float(
        string="Points", default=20, help="Points the rule adds to the order's score when it fires."
    )
    currency_id = fields.Many2one(related="policy_id.currency_id")
    # large_quantity
    factor = fields.Float(string="Times the Usual", default=3.0)
    min_quantity = fields.Integer(string="At Least Units", default=2)
    min_history = fields.Integer(
        string="Known From Orders",
        default=5,
        help="Products in fewer earlier orders are not judged.",
    )
    # order_value
    threshold_amount = fields.Monetary(string="From Amount", currency_field="currency_id")
    # address_mismatch
    mismatch_level = fields.Selection(
        [("country", "Country"), ("postal_code", "Country or postal code"), ("street", "Street")],
        string="Differ In",
        default="postal_code",
    )
    # block_list
    blocked_emails = fields.Text(string="Blocked E-mails", help="One address per line.")
    blocked_domains = fields.Text(help="One domain per line.")
    blocked_addresses = fields.Text(
        help="One address per line: street; postal code; country code (e.g. Hauptstr. 1; "
        "10117; DE)."
    )
    ignore_plus_tags = fields.Boolean(
        string="Ignore +tags", default=True, help="ana+shop@example.com is ana@example.com."
    )
    # velocity
    max_orders = fields.Integer(string="More Than Orders", default=3)
    window_hours = fields.Float(string="Within Hours", default=24)
    velocity_per = fields.Selection(
        [("customer", "From one customer"), ("address", "To one shipping address")],
        string="Counted",
        default="customer",
    )
    # shop_verdict
    medium_weight = fields.Float(string="Points for Medium Risk")
    # external_score
    score_threshold = fields.Float(string="Counts From Score", default=0.5)
    no_answer_points = fields.Float(string="Points Without Answer")

    @api.depends("rule_type", "sequence")
    def _compute_display_name(self):
        labels = dict(self._fields["rule_type"]._description_selection(self.env))
        for rule in self:
            rule.display_name = labels.get(rule.rule_type, "")

    @api.constrains(*SETTING_FIELDS.values(), "rule_type", "active", "score_threshold")
    def _check_with_the_engine(self):
        self.policy_id._engine_policy(check=True)

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules.policy_id._touch()
        return rules

    def write(self, vals):
        policies = self.policy_id
        result = super().write(vals)
        (policies | self.policy_id)._touch()
        return result

    def unlink(self):
        policies = self.policy_id
        result = super().unlink()
        policies._touch()
        return result

    def _setting_label(self, setting):
        field = SETTING_FIELDS.get(setting)
        if setting == "threshold" and self.rule_type == "external_score":
            field = "score_threshold"
        return self._fields[field].string if field else self._fields["rule_type"].string

    def _engine_rule(self):
        """The engine's rule of this record; ``ref`` is the record's id, so the reasons the
        engine gives name it."""
        self.ensure_one()
        ref = str(self.id)
        weight = self.weight
        kind = self.rule_type
        if kind == "large_quantity":
            return LargeQuantityRule(
                weight, self.factor, self.min_quantity, self.min_history, ref=ref
            )
        if kind == "order_value":
            return OrderValueRule(weight, Decimal(str(self.threshold_amount)), ref=ref)
        if kind == "first_order":
            return FirstOrderRule(weight, ref=ref)
        if kind == "address_mismatch":
            return AddressMismatchRule(weight, self.mismatch_level or "postal_code", ref=ref)
        if kind == "block_list":
            return BlockListRule(
                weight,
                emails=frozenset(_lines(self.blocked_emails)),
                email_domains=frozenset(_lines(self.blocked_domains)),
                addresses=frozenset(self._blocked_addresses()),
                ignore_plus_tags=self.ignore_plus_tags,
                ref=ref,
            )
        if kind == "velocity":
            return VelocityRule(
                weight,
                self.max_orders,
                timedelta(hours=self.window_hours),
                self.velocity_per or "customer",
                ref=ref,
            )
        if kind == "shop_verdict":
            return ShopVerdictRule(weight, self.medium_weight, ref=ref)
        return ExternalScoreRule(weight, self.score_threshold, self.no_answer_points, ref=ref)

    def _blocked_addresses(self):
        addresses = []
        for number, line in enumerate(_lines(self.blocked_addresses), start=1):
            parts = [part.strip() for part in line.split(";")]
            if len(parts) != 3 or not all(parts):
                raise ValidationError(
                    self.env._(
                        "Blocked addresses, line %(number)s (%(line)s): write street; postal "
                        "code; country code.",
                        number=number,
                        line=line,
                    )
                )
            street, postal_code, country = parts
            addresses.append(Address(country.upper(), postal_code, "", street))
        return addresses


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
