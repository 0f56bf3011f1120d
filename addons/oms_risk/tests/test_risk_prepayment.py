# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Risky -> prepayment required -> paid -> released: the card order the check distrusts waits
for its money like a bank transfer, its customer told how to pay."""

from freezegun import freeze_time
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.tests import tagged

from .common import OmsRiskCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRiskPrepayment(OmsRiskCase):
    def test_risky_prepaid_then_paid_then_released(self):
        order = self._ingest(self._risky())
        self.assertEqual((order.oms_risk_state, order.oms_risk_score), ("prepay", 55))
        self.assertTrue(order.oms_payment_forced)
        self.assertTrue(order.oms_payment_hold)
        self.assertEqual(
            order.oms_payment_note,
            "The risk check requires payment first: released when paid (Card).",
        )
        self.assertFalse(any(self._deliveries(order).mapped("oms_released")))
        self._send()
        self.assertEqual(self._messages(order, "payment_instructions").state, "queued")
        self.assertFalse(self._messages(order, "confirmed"))
        why = self._text(order.oms_risk_explanation_html)
        self.assertIn(
            "Risk score 55 reaches the prepayment threshold 30: the order is released only once "
            "it is paid.",
            why,
        )
        self.assertIn("The shop rated the order high risk. (+40 points)", why)

        self.intake.apply_payments(
            [
                {
                    "channel": self.channel.code,
                    "external_id": "5001",
                    "reference": "pi_9",
                    "amount": str(order.amount_total),
                }
            ]
        )
        self.assertFalse(order.oms_payment_hold)
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
        self._send()
        self.assertEqual(self._messages(order, "confirmed").state, "queued")

    def test_already_paid_it_goes_ahead(self):
        order = self._ingest(self._risky(status="paid"))
        self.assertEqual(order.oms_risk_state, "pass")
        self.assertFalse(order.oms_payment_hold)
        self.assertIn(
            "but the order is already paid: it goes ahead.",
            self._text(order.oms_risk_explanation_html),
        )

    def test_a_safe_order_passes_quietly(self):
        self._ingest(self._risky("5100", verdict=None))  # the customer's first order
        order = self._ingest(self._risky("5101", verdict="low"))
        self.assertEqual((order.oms_risk_state, order.oms_risk_score), ("pass", 0))
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
        self.assertIn(
            "No risk rule fired: the order goes ahead.", self._text(order.oms_risk_explanation_html)
        )
