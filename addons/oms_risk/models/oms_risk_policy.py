# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A channel's risk rules and thresholds, checked with the engine's own check when saved,
and turned into the engine's policy once per version."""

import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

try:  # the manifest's external dependency
    from oms_engine.errors import InvalidInput
    from oms_engine.risk import RiskPolicy, check_risk_policy
except ImportError:  # pragma: no cover
    InvalidInput = RiskPolicy = check_risk_policy = None

# Engine policies built from the records, per (database, policy id, revision): a policy with a
# block list of thousands takes milliseconds to build and check, and is read by every order.
_ENGINE_POLICIES = {}
_PATH = re.compile(r"^rules\[(\d+)\]\.?([a-z_]*)")


class OmsRiskPolicy(models.Model):
    _name = "oms.risk.policy"
    _description = "Risk Policy"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="The currency of the rules' amounts; orders are converted into it.",
    )
    prepay_at = fields.Float(
        string="Prepayment From",
        help="From this score the order is released only once it is paid (0: never).",
    )
    review_at = fields.Float(
        string="Review From",
        help="From this score a person approves or rejects the order (0: never).",
    )
    rule_ids = fields.One2many("oms.risk.rule", "policy_id", string="Rules", copy=True)
    channel_ids = fields.One2many("oms.channel", "risk_policy_id", string="Channels")
    revision = fields.Integer(
        default=0, readonly=True, copy=False, help="Counts the changes of the policy and its rules."
    )

    @api.constrains("currency_id", "prepay_at", "review_at", "rule_ids")
    def _check_with_the_engine(self):
        for policy in self:
            policy._engine_policy(check=True)

    def write(self, vals):
        result = super().write(vals)
        self._touch()
        return result

    def _touch(self):
        """The policy or a rule changed: its next use builds the engine's policy anew."""
        if self.ids:
            self.env.cr.execute(
                "UPDATE oms_risk_policy SET revision = COALESCE(revision, 0) + 1,"
                " write_date = clock_timestamp() AT TIME ZONE 'UTC' WHERE id IN %s",
                (tuple(self.ids),),
            )
            self.invalidate_recordset(["revision", "write_date"])

    def _engine_policy(self, check=False):
        """The engine's policy of this record, built once per revision. ``check``: raise a
        ValidationError naming the rule and the setting when the engine refuses it."""
        self.ensure_one()
        # The write date (the clock when it was counted, not the transaction's start) tells
        # apart a revision that a rolled-back transaction counted too.
        key = (self.env.cr.dbname, self.id, self.revision, self.write_date)
        policy = None if check else _ENGINE_POLICIES.get(key)
        if policy is not None:
            return policy
        rules = self.rule_ids.filtered("active").sorted(lambda r: (r.sequence, r.id))
        try:
            policy = RiskPolicy(
                currency=self.currency_id.name,
                rules=tuple(rule._engine_rule() for rule in rules),
                review_at=self.review_at or None,
                prepay_at=self.prepay_at or None,
            )
            check_risk_policy(policy)
        except InvalidInput as error:
            raise ValidationError(self._problem_text(error, rules)) from None
        if not check:
            if len(_ENGINE_POLICIES) > 256:
                _ENGINE_POLICIES.clear()
            _ENGINE_POLICIES[key] = policy
        return policy

    def _problem_text(self, error, rules):
        """The engine's refusal in the words of the form: which rule, which setting."""
        match = _PATH.match(error.path)
        if match:
            rule = rules[int(match.group(1))]
            setting = rule._setting_label(match.group(2))
            return self.env._(
                "Risk policy %(policy)s, rule %(rule)s: %(setting)s %(problem)s.",
                policy=self.name,
                rule=rule.display_name,
                setting=setting,
                problem=error.message,
            )
        labels = {
            "prepay_at": self._fields["prepay_at"].string,
            "review_at": self._fields["review_at"].string,
            "currency": self._fields["currency_id"].string,
        }
        return self.env._(
            "Risk policy %(policy)s: %(setting)s %(problem)s.",
            policy=self.name,
            setting=labels.get(error.path, error.path),
            problem=error.message,
        )
