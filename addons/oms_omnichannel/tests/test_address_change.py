"""The delivery address of a confirmed, unshipped order changes; an address without country.

The routing never ships with a carrier that does not serve the address: the deliveries
nobody started are planned again for the new address, a delivery already being prepared
for a carrier that does not serve it refuses the change, and an address without a country
is held for a person instead of being routed as the company's country.
"""

from freezegun import freeze_time
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestAddressChange(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.austria = cls.env.ref("base.at")
        cls.dc = cls._create_node("DC")
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.dc, 10)
        # Parcel serves Germany only; Alps serves Austria only.
        cls.alps = cls._create_carrier(
            "Alps",
            zones=(),
            cost_per_package=9.0,
            oms_zone_ids=[
                Command.create(
                    {"country_id": cls.austria.id, "postal_prefix": "", "transit_days": 3}
                )
            ],
        )
        cls.vienna = cls.env["res.partner"].create(
            {
                "name": "Ana in Vienna",
                "zip": "1010",
                "city": "Wien",
                "country_id": cls.austria.id,
            }
        )

    def _order(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(self._deliveries(order).carrier_id, self.parcel)
        return order

    def test_new_country_is_planned_with_a_carrier_that_serves_it(self):
        order = self._order()
        old = self._deliveries(order)
        order.partner_shipping_id = self.vienna
        self.assertEqual(old.state, "cancel")
        new = self._deliveries(order)
        self.assertEqual(new.carrier_id, self.alps)
        self.assertEqual(new.partner_id, self.vienna)
        self.assertEqual(order.oms_decision_id.trigger, "address")
        self.assertEqual(order.oms_promised_date, new.oms_promised_date)
        self.assertIn("Ana in Vienna", order.oms_decision_id.explanation)

    def test_no_carrier_serves_the_new_address(self):
        order = self._order()
        self.alps.oms_routing_enabled = False
        order.partner_shipping_id = self.vienna
        self.assertFalse(self._deliveries(order).filtered("carrier_id"))
        self.assertEqual(order.oms_decision_id.unfulfilled_line_ids.reason, "no_carrier_service")
        self.assertNotEqual(order.oms_routing_state, "routed")
        self.assertFalse(order.oms_promised_date)

    def test_started_delivery_refuses_an_address_its_carrier_does_not_serve(self):
        order = self._order()
        delivery = self._deliveries(order)
        delivery.move_ids.picked = True
        with self.assertRaises(UserError) as caught:
            order.partner_shipping_id = self.vienna
        self.assertIn(delivery.name, str(caught.exception))
        self.assertIn("Parcel", str(caught.exception))

    def test_address_without_country_is_held(self):
        nowhere = self.env["res.partner"].create({"name": "No country", "zip": "10117"})
        order = self._create_order([(self.shirt, 1)], partner=nowhere)
        order.action_confirm()
        self.assertFalse(order.picking_ids)
        self.assertEqual(order.oms_routing_state, "hold")
        decision = order.oms_decision_id
        self.assertEqual(decision.unfulfilled_line_ids.reason, "address_without_country")
        self.assertIn("no country", decision.explanation)
        self.assertEqual(len(order.activity_ids), 1)
        # Completing the address routes it.
        nowhere.country_id = self.germany
        order._oms_reroute()
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertFalse(order.activity_ids)
