# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delay scan: a parcel that will miss its promise is flagged as soon as it is known - a
missed cutoff, a carrier's problem, no scan - its customer told once with the new date (again
only when it slips further), customer service asked when the channel wants it. Safe to run
twice; repeated tracking events change nothing twice."""

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time
from odoo.tests import tagged

from .common import OmsDelayCase

# 17:00 in Berlin: after the nodes' 14:00 cutoff.
TUESDAY_EVENING = "2026-12-01 16:00:00"
WEDNESDAY_EVENING = "2026-12-02 16:00:00"


@tagged("post_install", "-at_install")
class TestDelayScan(OmsDelayCase):
    def _delays(self, order):
        return self.env["oms.delivery.delay"].search([("sale_order_id", "=", order.id)])

    def _delayed_mails(self, order):
        return self._mails(order).filtered(lambda m: "delayed" in (m.subject or ""))

    def test_missed_cutoff_told_once_then_again_when_it_slips(self):
        order = self._confirmed()
        parcel = self._deliveries(order)
        result = self._scan_at(TUESDAY_EVENING)
        self.assertEqual(result["late"], 1)
        self.assertEqual(parcel.oms_delay_status, "late")
        self.assertEqual(str(parcel.oms_expected_date), "2026-12-04")
        delay = parcel.oms_delay_id
        self.assertEqual((delay.cause, delay.delay_days), ("node", 1))
        self.assertIn(
            "Not picked by the node's cutoff: it can ship on Wednesday, December 2, 2026 and "
            "arrive on Friday, December 4, 2026.",
            self._text(delay.explanation_html),
        )
        [mail] = self._delayed_mails(order)
        self.assertEqual(mail.subject, "Your order #1042 is delayed")
        text = self._text(mail.body_html)
        self.assertIn(
            "We are sorry: a parcel of your order #1042 will arrive later than we promised.", text
        )
        self.assertIn("Your parcel could not leave our warehouse on time.", text)
        self.assertIn("We now expect it on Friday, December 4, 2026.", text)

        self._scan_at(TUESDAY_EVENING)  # the cron again
        self._scan_at("2026-12-01 17:00:00")
        self.assertEqual(len(self._delayed_mails(order)), 1, "told once")

        self._scan_at(WEDNESDAY_EVENING)  # still not picked: Monday now
        self.assertEqual(str(parcel.oms_expected_date), "2026-12-07")
        self.assertEqual(len(self._delayed_mails(order)), 2, "told again: it slipped further")
        self.assertIn(
            "We now expect it on Monday, December 7, 2026.",
            self._text(self._delayed_mails(order)[-1].body_html),
        )
        self._scan_at("2026-12-03 16:00:00")  # a day more: Tuesday - not worth another e-mail
        self.assertEqual(str(parcel.oms_expected_date), "2026-12-08")
        self.assertEqual(len(self._delayed_mails(order)), 2)

    def test_on_time_parcels_change_nothing(self):
        order = self._confirmed()
        result = self._scan_at("2026-12-01 10:00:00")  # before the cutoff
        self.assertEqual((result["scanned"], result["late"]), (1, 0))
        self.assertFalse(self._deliveries(order).oms_delay_status, "on time: nothing stored")
        self.assertFalse(self._delays(order))
        again = self._scan_at("2026-12-01 10:30:00")
        self.assertEqual(again["changed"], 0, "nothing written when nothing moved")

    def test_a_carrier_problem_puts_it_at_risk_and_asks_customer_service(self):
        self.channel.delay_activity = True
        order = self._confirmed()
        parcel = self._deliveries(order)
        self._ship_at(parcel, "2026-12-01 11:00:00", "JD-EXC")
        self._track(parcel, "in_transit", "2026-12-01 18:00:00", "e1")
        self._track(parcel, "exception", "2026-12-02 08:00:00", "e2")
        self.assertTrue(parcel.oms_delay_rescan, "judged again at once")
        with self._frozen("2026-12-02 08:05:00"):
            self.scan._cron_scan_news()
        self.assertFalse(parcel.oms_delay_rescan)
        self.assertEqual(parcel.oms_delay_status, "at_risk")
        self.assertEqual(parcel.oms_delay_id.cause, "carrier")
        self.assertFalse(self._delayed_mails(order), "the customer hears of a delay, not of a risk")
        activity = order.activity_ids.filtered(
            lambda a: a.summary == f"Parcel {parcel.name} is late"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("The carrier reports a problem with the parcel.", self._text(activity.note))
        # The carrier says it again: nothing twice.
        self.assertEqual(
            self._track(parcel, "exception", "2026-12-02 08:00:00", "e2")["status"], "unchanged"
        )
        with self._frozen("2026-12-02 09:00:00"):
            self.scan._cron_scan_news()
            self.scan._scan(self._now("2026-12-02 09:00:00"))
        self.assertEqual(
            len(order.activity_ids.filtered(lambda a: a.summary == activity.summary)), 1
        )

    def test_no_carrier_scan_after_handover(self):
        order = self._confirmed()
        parcel = self._deliveries(order)
        self._ship_at(parcel, "2026-12-01 11:00:00", "JD-SILENT")
        self._track(parcel, "pre_transit", "2026-12-01 11:05:00", "s1")
        self._scan_at("2026-12-02 12:00:00")
        self.assertEqual(parcel.oms_delay_status, "at_risk")
        self.assertIn(
            "No carrier scan for 25 hours.", self._text(parcel.oms_delay_id.explanation_html)
        )

    def test_delivered_on_time_is_left_alone(self):
        order = self._confirmed()
        parcel = self._deliveries(order)
        self._ship_at(parcel, "2026-12-01 11:00:00", "JD-OK")
        self._track(parcel, "delivered", "2026-12-03 10:00:00", "d1")
        self._scan_at("2026-12-03 12:00:00")
        self.assertTrue(parcel.oms_delay_final)
        self.assertFalse(parcel.oms_delay_id)
        self.assertEqual(self._scan_at("2026-12-04 12:00:00")["scanned"], 0, "done with it")

    def test_a_parcel_held_before_release_is_not_watched(self):
        with patch.object(
            type(self.env["sale.order"]), "_oms_release_blocks", lambda order: ["Held."]
        ):
            order = self._confirmed()
        self.assertFalse(self._deliveries(order).oms_released)
        self.assertEqual(self._scan_at(WEDNESDAY_EVENING)["scanned"], 0)

    # ------------------------------------------------------------------ helpers

    def _frozen(self, moment):
        return freeze_time(moment)

    def _now(self, moment):
        return datetime.fromisoformat(moment)
