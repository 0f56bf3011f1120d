# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A payment method's schedule is checked when it is saved, and a bad one refused with the
reason."""

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPaymentMethods(TransactionCase):
    def _method(self, **vals):
        return self.env["oms.payment.method"].create(
            {"name": "Wire", "code": "wire", "release_policy": "when_paid", **vals}
        )

    def test_a_sound_schedule_is_kept(self):
        method = self._method(reminder_days=2, second_reminder_days=5, cancel_days=9)
        self.assertEqual(method.cancel_days, 9)
        self.assertTrue(self._method(code="wire2", second_reminder_days=0, cancel_days=4))

    def test_bad_schedules_are_refused_with_the_reason(self):
        cases = [
            (
                {"reminder_days": 0},
                "the first reminder must come at least one day after the order.",
            ),
            (
                {"reminder_days": 5, "second_reminder_days": 4},
                "the second reminder (after 4 days) must come after the first (after 5 days).",
            ),
            (
                {"reminder_days": 3, "second_reminder_days": 7, "cancel_days": 7},
                "the order can only be cancelled after the last reminder (after 7 days), not "
                "after 7 days.",
            ),
        ]
        for vals, reason in cases:
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                self._method(**vals)
            self.assertEqual(str(caught.exception), f"Payment method Wire: {reason}")

    def test_a_change_is_checked_too(self):
        method = self._method()
        with self.assertRaises(ValidationError):
            method.cancel_days = 2

    def test_paid_at_checkout_needs_no_schedule(self):
        self.assertTrue(self._method(release_policy="at_once", reminder_days=0, cancel_days=0))
