# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A risk policy or rule with a bad setting is refused when saved, with the rule, the setting
and the reason in the form's words - the engine's own check."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRiskPolicyConfig(TransactionCase):
    def _policy(self, rule=None, **vals):
        return self.env["oms.risk.policy"].create(
            {
                "name": "Shop",
                "prepay_at": 30,
                "review_at": 60,
                "rule_ids": [Command.create(rule)] if rule else [],
                **vals,
            }
        )

    def _refused(self, message, rule=None, **vals):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self._policy(rule, **vals)
        self.assertEqual(str(caught.exception), message)

    def test_bad_settings_are_refused_with_the_reason(self):
        self._refused(
            "Risk policy Shop: Prepayment From must be below the review threshold: orders that "
            "score higher go to review.",
            prepay_at=70,
        )
        self._refused(
            "Risk policy Shop, rule Unusually large quantity: Times the Usual must be a number "
            "above 1.",
            {"rule_type": "large_quantity", "factor": 0.5},
        )
        self._refused(
            "Risk policy Shop, rule Order value: From Amount must be an amount above zero.",
            {"rule_type": "order_value", "threshold_amount": 0},
        )
        self._refused(
            "Risk policy Shop, rule Block list: Blocked E-mails 'not-an-address' is not an "
            "e-mail address.",
            {"rule_type": "block_list", "blocked_emails": "not-an-address"},
        )
        self._refused(
            "Risk policy Shop, rule The shop's fraud verdict: Points for Medium Risk must not "
            "exceed the points for high risk.",
            {"rule_type": "shop_verdict", "weight": 10, "medium_weight": 20},
        )
        self._refused(
            "Risk policy Shop, rule Many orders in a short time: Within Hours must be between "
            "one minute and 90 days.",
            {"rule_type": "velocity", "window_hours": 24 * 100},
        )

    def test_a_bad_blocked_address_line_names_the_line(self):
        with self.assertRaises(ValidationError) as caught:
            self._policy(
                {"rule_type": "block_list", "blocked_addresses": "Hauptstr. 1; 10117; DE\nnowhere"}
            )
        self.assertEqual(
            str(caught.exception),
            "Blocked addresses, line 2 (nowhere): write street; postal code; country code.",
        )

    def test_a_change_to_a_rule_is_checked_and_used_at_once(self):
        policy = self._policy({"rule_type": "order_value", "weight": 20, "threshold_amount": 100})
        before = policy._engine_policy()
        self.assertIs(policy._engine_policy(), before, "built once per version")
        with self.assertRaises(ValidationError):
            policy.rule_ids.threshold_amount = -5
        policy.rule_ids.threshold_amount = 200
        after = policy._engine_policy()
        self.assertEqual(str(after.rules[0].threshold), "200.0")
