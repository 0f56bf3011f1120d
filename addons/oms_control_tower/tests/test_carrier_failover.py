from datetime import timedelta

from odoo import fields

from .common import OmsTowerCase


class TestCarrierFailover(OmsTowerCase):
    """A carrier whose parcels to a country run into exceptions is switched off for that
    country: its unstarted parcels there go with another carrier, new orders too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"oms_health_grace_minutes": 0, "oms_health_cooldown_minutes": 60})
        (cls.dc_north | cls.dc_south).write({"oms_health_mode": "off"})
        cls.parcel.write({"oms_health_mode": "auto", "oms_exception_rate_limit": 0.2})
        cls.backup = cls._create_carrier("Backup", cost_per_package=8.0)
        cls.backup.oms_health_mode = "off"

    def _ship(self, order, status):
        delivery = self._deliveries(order)
        for move in delivery.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        delivery._action_done()
        delivery.oms_tracking_status = status
        return delivery

    def test_exceptions_switch_the_carrier_off_for_the_country(self):
        shipped = [self._confirmed([(self.mug, 1)]) for _n in range(5)]
        for n, order in enumerate(shipped):
            parcel = self._ship(order, "exception" if n < 2 else "in_transit")
            self.assertEqual(parcel.carrier_id, self.parcel)
        waiting = self._confirmed([(self.plate, 1)])
        self.assertEqual(self._deliveries(waiting).carrier_id, self.parcel)

        clock = fields.Datetime.now().replace(microsecond=0) - timedelta(minutes=10)
        monitor = self.env["oms.health.monitor"]
        monitor._cron_check_health(now=clock)
        status = self.env["oms.health.status"].search([("carrier_id", "=", self.parcel.id)])
        self.assertEqual((status.country_id, status.state), (self.germany, "warning"))
        self.assertIn("40 %", status.event_ids.explanation)
        self.assertIn("Parcel", status.event_ids.explanation)

        monitor._cron_check_health(now=clock + timedelta(minutes=1))
        self.assertEqual(status.state, "off")
        self.assertEqual(self._deliveries(waiting).carrier_id, self.backup)
        self.assertEqual(waiting.oms_decision_id.trigger, "carrier_off")
        new = self._confirmed([(self.mug, 1)])
        self.assertEqual(self._deliveries(new).carrier_id, self.backup)

        # The parcels arrive: nothing is under way there any more, the carrier is quiet.
        for order in shipped:
            self._deliveries(order).oms_tracking_status = "delivered"
        status.last_switch_at = clock - timedelta(hours=2)
        monitor._cron_check_health(now=clock + timedelta(minutes=2))
        self.assertEqual(status.state, "ok")
        newer = self._confirmed([(self.mug, 1)])
        self.assertEqual(self._deliveries(newer).carrier_id, self.parcel)
