from datetime import datetime

from freezegun import freeze_time
from odoo import fields
from odoo.tests import tagged

from .common import OmsRoutingCase


@tagged("post_install", "-at_install")
class TestCutoffsAndPromise(OmsRoutingCase):
    """Times are Berlin local (UTC+1 in December); Odoo stores naive UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC", oms_cutoff_hour=14.0, oms_handling_days=0)
        cls.parcel.write({"oms_cutoff_hour": 17.0})
        cls.parcel.oms_zone_ids.unlink()
        cls.parcel.write(
            {
                "oms_zone_ids": [
                    fields.Command.create(
                        {"country_id": cls.germany.id, "postal_prefix": "", "transit_days": 3}
                    ),
                    fields.Command.create(
                        {"country_id": cls.germany.id, "postal_prefix": "10", "transit_days": 1}
                    ),
                ]
            }
        )
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.dc, 50)
        cls.munich = cls._create_partner("Bea", "80331")

    def _route(self, partner=None):
        order = self._create_order([(self.shirt, 1)], partner=partner)
        order.action_confirm()
        decision_line = order.oms_decision_id.shipment_line_ids
        return order, decision_line

    @staticmethod
    def _day(value):
        return fields.Datetime.to_datetime(value).date().isoformat()

    def test_before_cutoff_ships_today(self):
        with freeze_time("2026-12-01 09:00:00"):  # Tuesday 10:00 Berlin
            order, line = self._route()
        self.assertEqual(self._day(line.ship_date), "2026-12-01")
        # Berlin 10117 matches the "10" prefix: one transit day.
        self.assertEqual(self._day(line.promised_date), "2026-12-02")
        self.assertEqual(self._day(order.oms_promised_date), "2026-12-02")

    def test_longest_postal_prefix_wins(self):
        with freeze_time("2026-12-01 09:00:00"):
            _order, line = self._route(partner=self.munich)
        self.assertEqual(self._day(line.promised_date), "2026-12-04")

    def test_after_node_cutoff_ships_next_working_day(self):
        with freeze_time("2026-12-01 14:30:00"):  # Tuesday 15:30 Berlin, after 14:00
            _order, line = self._route()
        self.assertEqual(self._day(line.ship_date), "2026-12-02")
        self.assertEqual(self._day(line.promised_date), "2026-12-03")

    def test_friday_after_cutoff_ships_monday(self):
        with freeze_time("2026-12-04 15:00:00"):  # Friday 16:00 Berlin
            _order, line = self._route()
        self.assertEqual(self._day(line.ship_date), "2026-12-07")
        self.assertEqual(self._day(line.promised_date), "2026-12-08")

    def test_carrier_pickup_days_move_the_ship_date(self):
        tuesday = self.env.ref("oms_omnichannel.oms_weekday_tue")
        self.parcel.oms_working_day_ids -= tuesday
        with freeze_time("2026-12-01 09:00:00"):
            _order, line = self._route()
        self.assertEqual(self._day(line.ship_date), "2026-12-02")

    def test_public_holiday_is_not_a_working_day(self):
        # 2026-12-25 is a Friday and a German public holiday.
        with freeze_time("2026-12-24 15:00:00"):  # Thursday after cutoff
            _order, line = self._route()
        self.assertEqual(self._day(line.ship_date), "2026-12-28")

    def test_picking_carries_the_dates(self):
        with freeze_time("2026-12-01 09:00:00"):
            order, _line = self._route()
        delivery = self._deliveries(order)
        self.assertEqual(self._day(delivery.scheduled_date), "2026-12-01")
        self.assertEqual(self._day(delivery.date_deadline), "2026-12-02")
        self.assertEqual(delivery.oms_promised_date, datetime(2026, 12, 2, 11, 0))
