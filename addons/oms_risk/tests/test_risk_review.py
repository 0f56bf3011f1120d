# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Risky -> review -> approve or reject: held with its stock reserved and nothing released,
the reasons shown; approved, it is released and confirmed; rejected, it is cancelled with its
stock back, the shop and the customer told."""

from freezegun import freeze_time
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OmsRiskCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRiskReview(OmsRiskCase):
    def _held_for_review(self):
        order = self._ingest(self._risky(email="fraud@example.com", verdict=None))
        self.assertEqual(order.oms_risk_state, "review")
        return order

    def _review(self, order, decision, note=""):
        action = (
            order.action_oms_risk_approve()
            if decision == "approve"
            else order.action_oms_risk_reject()
        )
        wizard = (
            self.env["oms.risk.review.wizard"]
            .with_context(**action["context"])
            .create({"note": note})
        )
        self.assertIn("On the block list: the e-mail address.", self._text(wizard.reasons_html))
        return wizard.action_apply()

    def test_held_for_review_nothing_released(self):
        order = self._held_for_review()
        self.assertEqual(order.oms_risk_score, 75)
        self.assertEqual(order.state, "sale")
        deliveries = self._deliveries(order)
        self.assertEqual(set(deliveries.mapped("state")), {"assigned"}, "its stock reserved")
        self.assertFalse(any(deliveries.mapped("oms_released")))
        self.assertEqual(
            order.oms_hold_reason, "It waits for a person to review its risk (score 75)."
        )
        self.assertFalse(order.oms_customer_message_ids, "no confirmation, no e-mail yet")
        self.assertIn(order, self.env["sale.order"].search(order._oms_risk_review_domain()))
        why = self._text(order.oms_risk_explanation_html)
        self.assertIn(
            "Risk score 75 reaches the review threshold 60: the order waits for a person to "
            "approve or reject it.",
            why,
        )
        self.assertIn("On the block list: the e-mail address. (+60 points)", why)
        self.assertIn("This is the customer's first order. (+15 points)", why)
        # The chatter says it too.
        self.assertIn(
            "Risk check", " ".join(order.message_ids.mapped(lambda m: self._text(m.body)))
        )

    def test_approved_it_is_released_and_confirmed(self):
        order = self._held_for_review()
        self._review(order, "approve", "Called the customer: genuine order.")
        self.assertEqual(order.oms_risk_state, "approved")
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
        self.assertFalse(order.oms_hold_reason)
        review = order.oms_risk_decision_ids.filtered(lambda d: d.kind == "review")
        self.assertEqual((review.outcome, review.user_id), ("approved", self.env.user))
        self.assertIn("Called the customer: genuine order.", self._text(review.explanation_html))
        self._send()
        self.assertEqual(self._mails(order).mapped("subject"), ["Your order #5001 is confirmed"])
        self._ship(self._deliveries(order)[0])
        self.assertNotIn(order, self.env["sale.order"].search(order._oms_risk_review_domain()))

    def test_rejected_it_is_cancelled_stock_back_shop_and_customer_told(self):
        order = self._held_for_review()
        with self.assertRaises(UserError):
            self._review(order, "reject", "")
        self._review(order, "reject", "Stolen card reported by the bank.")
        self.assertEqual((order.state, order.oms_risk_state), ("cancel", "rejected"))
        self.assertEqual(self._reserved(self.shirt, self.north), 0, "stock released")
        self.env.cr.flush()
        event = self.env["oms.outbox.event"].search(
            [("topic", "=", "order.cancelled"), ("res_id", "=", order.id)]
        )
        self.assertEqual(event.payload["reason"], "declined")
        self._send()
        [mail] = self._mails(order)
        text = self._text(mail.body_html)
        self.assertIn("Your order #5001 has been cancelled.", text)
        self.assertIn("We are sorry: we could not accept this order.", text)
        self.assertNotIn("Stolen", text, "the reviewer's reason stays inside")

    def test_an_order_not_held_cannot_be_reviewed(self):
        order = self._ingest(self._risky("5009", verdict=None))
        self.assertEqual(order.oms_risk_state, "pass")
        with self.assertRaises(UserError):
            order.action_oms_risk_approve()
