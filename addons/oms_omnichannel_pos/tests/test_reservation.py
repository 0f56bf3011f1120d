# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestReservation(OmsStoreCase):
    def _reserved(self):
        order = self._pickup_order([(self.mug, 2)], oms_payment_method="pay_in_store")
        store_order = self._store_order(order)
        self._pos().accept(store_order.id)
        self._pos().pack(store_order.id, self._pick_all(store_order))
        return order, store_order

    def _free(self):
        free = self.env["oms.sellable.stock"]._get_on_hand_free(self.mug, self.store_a)
        return free[(self.store_a.id, self.mug.id)]

    def test_a_reservation_is_kept_for_the_store_s_hours(self):
        _order, store_order = self._reserved()
        self.assertEqual(store_order.kind, "reservation")
        self.assertEqual(store_order.state, "ready")
        self.assertEqual(store_order.reserved_until, datetime(2026, 12, 3, 9, 0))

    def test_the_customer_is_reminded_once_before_it_ends(self):
        _order, store_order = self._reserved()
        reservation = self.env["oms.store.reservation"]
        reservation._cron_reservations()
        self.assertEqual(store_order.reminder_count, 0, "48 hours left, reminder at 24")
        with freeze_time(datetime(2026, 12, 2, 9, 5)):
            reservation._cron_reservations()
            reservation._cron_reservations()
        self.assertEqual(store_order.reminder_count, 1)
        reminded = store_order.step_ids.filtered(lambda s: s.action == "reminded")
        self.assertEqual(len(reminded), 1)
        self.assertIn("the reservation ends soon", reminded.note)
        self.assertEqual(store_order.state, "ready")

    def test_a_no_show_is_released(self):
        order, store_order = self._reserved()
        self.assertEqual(self._free(), 3.0)
        reservation = self.env["oms.store.reservation"]
        with freeze_time(datetime(2026, 12, 3, 9, 0, 1)):
            released = reservation._cron_reservations()
            self.assertEqual(released, store_order)
            self.assertFalse(reservation._cron_reservations(), "released once")
        self.assertEqual(store_order.state, "released")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(store_order.picking_id.state, "cancel")
        self.assertEqual(self._free(), 5.0, "the goods are on sale again")
        self.env.cr.flush()
        cancelled = self.env["oms.outbox.event"].search(
            [("topic", "=", "order.cancelled"), ("res_id", "=", order.id)]
        )
        self.assertEqual(cancelled.payload["reason"], "no_show")
        told = store_order.step_ids.filtered(lambda s: s.action == "notified")
        self.assertIn("the order is cancelled", told[0].note)
        # The store sees it until the goods are back on the shelf.
        answer = self._pos().accept(store_order.id)
        self.assertIn("Put its items back on the shelf", answer["message"])
        answer = self._pos().back_on_shelf(store_order.id)
        self.assertTrue(answer["ok"], answer)
        self.assertTrue(store_order.released_ack)

    def test_a_collected_reservation_is_never_released(self):
        order, store_order = self._reserved()
        order.oms_payment_status = "paid"
        self._pos().handover(store_order.id, "Ana")
        with freeze_time(datetime(2026, 12, 4)):
            self.assertFalse(self.env["oms.store.reservation"]._cron_reservations())
        self.assertEqual(order.state, "sale")
