# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A compensation policy with a bad setting is refused when saved, with the reason."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCompensationPolicyConfig(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create(
            {"name": "Vouchers", "program_type": "gift_card"}
        )

    def _policy(self, tiers, **vals):
        return self.env["oms.compensation.policy"].create(
            {
                "name": "Promise",
                "voucher_program_id": self.program.id,
                "tier_ids": [Command.create(tier) for tier in tiers],
                **vals,
            }
        )

    def _refused(self, message, tiers, **vals):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self._policy(tiers, **vals)
        self.assertEqual(str(caught.exception), message)

    def test_bad_settings_are_refused_with_the_reason(self):
        self._refused(
            "Compensation policy Promise, voucher after 5 days: a longer delay must not earn a "
            "smaller voucher.",
            [{"after_days": 2, "amount": 10}, {"after_days": 5, "amount": 5}],
        )
        self._refused(
            "Compensation policy Promise, voucher after 2 days: must be above 0 and at most 100.",
            [{"after_days": 2, "kind": "percent", "percent": 150}],
        )
        self._refused(
            "Compensation policy Promise: Most per Order must not be negative.", [], order_cap=-1
        )
        self._refused(
            "Compensation policy Promise gives vouchers: choose the gift card program they are "
            "issued in.",
            [{"after_days": 2, "amount": 10}],
            voucher_program_id=False,
        )

    def test_a_sound_policy_is_kept(self):
        policy = self._policy([{"after_days": 1, "amount": 5}, {"after_days": 3, "amount": 10}])
        self.assertEqual(len(policy._engine_policy().voucher_tiers), 2)
