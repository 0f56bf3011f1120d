# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unpaid: reminded after N and M days, cancelled after K with its stock released and shop
and customer told. The cron is safe to run twice and catches up after downtime without
sending a reminder twice or one that is no longer due."""

from freezegun import freeze_time
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.tests import tagged

from .common import OmsPaymentCase


@tagged("post_install", "-at_install")
class TestReminders(OmsPaymentCase):
    def _unpaid_order(self, external_id="4001"):
        with freeze_time(TUESDAY_MORNING):
            order = self._ingest(self._payload(external_id))
            self._send()
        return order

    def _run_on(self, day):
        with freeze_time(day):
            self.env["sale.order"]._cron_oms_payment_reminders()
            self._send()

    def _reminders(self, order):
        return self._messages(order, "payment_reminder")

    def test_reminders_then_cancellation_with_stock_back(self):
        order = self._unpaid_order()
        self._run_on("2026-12-03 09:00:00")  # day 2: nothing yet
        self.assertFalse(self._reminders(order))
        self._run_on("2026-12-04 10:00:00")  # day 3: first reminder
        self._run_on("2026-12-04 11:00:00")  # the cron again: nothing more
        [first] = self._reminders(order)
        self.assertEqual((first.key, first.state), ("payment-reminder-1", "queued"))
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn("We have not received your payment of", text)
        self.assertIn("We keep the items for you until Friday, December 11, 2026.", text)
        self._run_on("2026-12-08 10:00:00")  # day 7: second reminder
        self.assertEqual(
            sorted(self._reminders(order).mapped("key")),
            ["payment-reminder-1", "payment-reminder-2"],
        )
        self.assertEqual(self._reserved(self.shirt, self.north), 2)

        self._run_on("2026-12-11 10:00:00")  # day 10: cancelled
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.oms_payment_hold)
        self.assertEqual(self._reserved(self.shirt, self.north), 0, "stock released")
        self.assertEqual(self._reserved(self.cap, self.south), 0)
        self.env.cr.flush()
        cancelled = self.env["oms.outbox.event"].search(
            [("topic", "=", "order.cancelled"), ("res_id", "=", order.id)]
        )
        self.assertEqual(cancelled.payload["reason"], "unpaid", "the shop is told")
        text = self._text(self._mails(order)[-1].body_html)
        self.assertIn("Your order #4001 has been cancelled.", text)
        self.assertIn(
            "We did not receive your payment within 10 days of your order, so we have cancelled "
            "it and released the items.",
            text,
        )
        self._run_on("2026-12-12 10:00:00")
        self.assertEqual(len(self._mails(order)), 4, "instructions, two reminders, cancellation")

    def test_after_downtime_only_the_step_reached_now(self):
        order = self._unpaid_order()
        self._run_on("2026-12-09 10:00:00")  # down since before day 3: day 8 now
        self.assertEqual(self._reminders(order).mapped("key"), ["payment-reminder-2"])
        other = self._unpaid_order("4002")
        self._run_on("2026-12-14 10:00:00")  # down for two weeks: cancelled, no reminder
        self.assertEqual(other.state, "cancel")
        self.assertFalse(self._reminders(other))

    def test_paid_before_the_reminder_left_is_not_reminded(self):
        order = self._unpaid_order()
        with freeze_time("2026-12-04 10:00:00"):
            self.env["sale.order"]._cron_oms_payment_reminders()
            order._oms_register_payment("bank", "late-but-in-time", order.amount_total)
            self._send()
        self.assertEqual(self._reminders(order).state, "outdated")
        self.assertEqual(
            [m.subject for m in self._mails(order)][-1], "Your order #4001 is confirmed"
        )
