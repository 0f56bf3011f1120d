# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service changes the delivery address: what nobody started is planned again."""

from freezegun import freeze_time
from odoo import Command
from odoo.tests import tagged

from ..models.oms_order_change import OrderChangeRefused
from .change_common import OmsChangeCase
from .common import TUESDAY_MORNING

VIENNA = {
    "name": "Ana in Vienna",
    "street": "Graben 1",
    "city": "Wien",
    "zip": "1010",
    "country_code": "AT",
}


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderChangeAddress(OmsChangeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alps = cls._create_carrier(
            "Alps",
            zones=(),
            cost_per_package=9.0,
            oms_zone_ids=[
                Command.create(
                    {
                        "country_id": cls.env.ref("base.at").id,
                        "postal_prefix": "",
                        "transit_days": 3,
                    }
                )
            ],
        )

    def test_new_address_new_carrier_new_promise(self):
        order = self._order([(self.cap, 1)])
        old = self._deliveries(order)
        promised_before = order.oms_promised_date
        answer = order._oms_change_address(VIENNA, key="a-1")
        self.assertEqual(old.state, "cancel")
        new = self._deliveries(order)
        self.assertEqual(new.carrier_id, self.alps)
        self.assertEqual(new.partner_id.city, "Wien")
        self.assertEqual(order.partner_shipping_id.parent_id, self.customer)
        self.assertGreater(order.oms_promised_date, promised_before, "3 days to Austria")
        self.assertEqual(answer["promised_date"], str(order.oms_promised_date.date()))
        self.assertIn("Arrives by", answer["promise"])
        self.assertIn("Graben 1", answer["summary"])
        [event] = self._events("order.changed", order)
        self.assertEqual(event.payload["shipping_address"]["country_code"], "AT")
        self.assertEqual(event.payload["key"], "a-1")
        told = order.oms_customer_message_ids.filtered(lambda m: m.event == "changed")
        self.assertEqual(told.key, "a-1")
        self.assertIn("Graben 1", told.values["what"])
        # The same address again (an agent retrying with a new key): nothing to change.
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_address(VIENNA, key="a-2")
        self.assertEqual(caught.exception.code, "nothing_to_change")
        self.assertEqual(len(order.partner_shipping_id.parent_id.child_ids), 1, "reused")

    def test_no_carrier_serves_the_country(self):
        order = self._order([(self.cap, 1)])
        delivery = self._deliveries(order)
        tokyo = dict(VIENNA, city="Tokyo", zip="100-0001", country_code="JP")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_address(tokyo)
        self.assertEqual(caught.exception.code, "no_carrier")
        self.assertIn("Japan", str(caught.exception))
        self.assertEqual(self._deliveries(order), delivery)
        self.assertEqual(order.partner_shipping_id, self.customer)

    def test_bad_addresses_are_refused(self):
        order = self._order([(self.cap, 1)])
        for address, words in (
            (dict(VIENNA, country_code="XX"), "Unknown country"),
            (dict(VIENNA, street=""), "street"),
            ("Graben 1, Wien", "An address is needed"),
        ):
            with self.assertRaises(OrderChangeRefused) as caught:
                order._oms_change_address(address)
            self.assertEqual(caught.exception.code, "invalid_address")
            self.assertIn(words, str(caught.exception))

    def test_a_delivery_being_prepared_keeps_its_address(self):
        order = self._order([(self.shirt, 7)])
        north = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.north
        )
        self._pick(north)
        hamburg = dict(
            VIENNA, name="Ana in Hamburg", city="Hamburg", zip="20095", country_code="DE"
        )
        answer = order._oms_change_address(hamburg)
        self.assertEqual(north.partner_id, self.customer)
        self.assertIn(north.name, answer["summary"])
        dc = self._deliveries(order).filtered(lambda p: p.picking_type_id.warehouse_id == self.dc)
        self.assertEqual(dc.partner_id.city, "Hamburg")
        # A carrier that does not go to the new country: the change is refused as a whole.
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_address(VIENNA)
        self.assertEqual(caught.exception.code, "being_prepared")
        self.assertEqual(dc.partner_id.city, "Hamburg")
