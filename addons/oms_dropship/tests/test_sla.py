# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SLA cron flags deliveries their supplier did not accept or ship in time, once, and
tells the control tower of late accepts."""

from freezegun import freeze_time

from .common import OmsDropshipCase


@freeze_time("2026-12-01 09:00:00")
class TestSla(OmsDropshipCase):
    def _late_pickings(self):
        return self.env["stock.picking"].search(
            [("oms_dropship_late", "=", True), ("company_id", "=", self.company.id)]
        )

    def test_not_accepted_in_time_is_flagged_once(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        Delivery = self.env["oms.dropship.delivery"]
        with freeze_time("2026-12-02 08:59:00"):
            Delivery._cron_check_sla()
        self.assertFalse(delivery.is_late)
        with freeze_time("2026-12-02 10:00:00"):
            flagged = Delivery._cron_check_sla()
            self.assertEqual(flagged, delivery)
            self.assertEqual(Delivery._cron_check_sla(), Delivery)
        self.assertTrue(delivery.accept_late)
        self.assertFalse(delivery.ship_late)
        self.assertEqual(self._late_pickings(), delivery.picking_id)
        signal = self._signals(self.supplier_a, "accept_late")
        self.assertEqual(len(signal), 1)
        self.assertEqual(signal.value, 60.0)
        # Accepted at last: the same signal now says how late in the end.
        with freeze_time("2026-12-02 11:00:00"):
            self.as_supplier(delivery, self.user_a)._oms_accept()
        self.assertEqual(self._signals(self.supplier_a, "accept_late").value, 120.0)

    def test_not_shipped_in_time_is_flagged(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        with freeze_time("2026-12-04 09:30:00"):
            self.env["oms.dropship.delivery"]._cron_check_sla()
        self.assertTrue(delivery.ship_late)
        self.assertFalse(delivery.accept_late)
        self.assertEqual(self._late_pickings(), delivery.picking_id)

    def test_shipped_late_without_the_cron(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        with freeze_time("2026-12-05 09:00:00"):
            self.as_supplier(delivery, self.user_a)._oms_ship(self.parcel, "LATE-1")
        self.assertTrue(delivery.ship_late)
        self.assertTrue(delivery.picking_id.oms_dropship_late)

    def test_in_time_is_not_flagged(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        self.as_supplier(delivery, self.user_a)._oms_ship(self.parcel, "OK-1")
        with freeze_time("2026-12-09 09:00:00"):
            self.env["oms.dropship.delivery"]._cron_check_sla()
        self.assertFalse(delivery.is_late)
        self.assertFalse(self._late_pickings())

    def test_no_limit_when_hours_are_zero(self):
        self.supplier_a.oms_dropship_accept_hours = 0
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.assertFalse(delivery.accept_deadline)
        with freeze_time("2026-12-03 09:00:00"):
            self.env["oms.dropship.delivery"]._cron_check_sla()
        self.assertFalse(delivery.accept_late)

    def test_cron_offers_deliveries_never_offered(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        picking = delivery.picking_id
        delivery.unlink()
        self.env["oms.dropship.delivery"]._cron_check_sla()
        self.assertEqual(self._dropship(order).picking_id, picking)
