from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRoutingSplit(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc_a = cls._create_node("DCA")
        cls.dc_b = cls._create_node("DCB")
        cls.dc_c = cls._create_node("DCC")
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        cls.scarf = cls._create_product("Scarf")
        # No node holds all three; DCA + DCB cover the order in two packages, while a
        # line-by-line choice (nearest/first node per line) would use three.
        cls._stock(cls.shirt, cls.dc_a, 5)
        cls._stock(cls.cap, cls.dc_a, 5)
        cls._stock(cls.scarf, cls.dc_b, 5)
        cls._stock(cls.cap, cls.dc_c, 5)
        cls._stock(cls.scarf, cls.dc_c, 5)

    def test_minimal_split_in_two_deliveries(self):
        order = self._create_order([(self.shirt, 1), (self.cap, 1), (self.scarf, 1)])
        order.action_confirm()
        shipped = self._shipped(order)
        self.assertEqual(sum(shipped.values()), 3.0)
        deliveries = self._deliveries(order)
        self.assertEqual(len(deliveries), 2, "two sources, two deliveries")
        self.assertEqual(shipped[("DCA", self.shirt)], 1.0)
        self.assertEqual(order.oms_decision_id.package_count, 2)
        self.assertTrue(order.oms_decision_id.is_split)
        self.assertTrue(order.oms_is_split)
        # Why not one package: the runner-ups say what they would have cost, in words.
        explanation = order.oms_decision_id.explanation
        self.assertIn(
            "Shipping from DCA only was not chosen: it leaves 1 unit(s) unsourced", explanation
        )
        self.assertIn("everything arrives by 12/03/2026", explanation)
        # Each source's delivery carries its own carrier and promised date.
        for delivery in deliveries:
            self.assertEqual(delivery.carrier_id, self.parcel)
            self.assertTrue(delivery.oms_promised_date)
            self.assertEqual(
                delivery.location_id, delivery.picking_type_id.warehouse_id.lot_stock_id
            )

    def test_a_line_split_across_nodes(self):
        # 7 shirts: DCA has 5, nobody else has shirts -> 5 shipped, 2 backordered.
        self._stock(self.shirt, self.dc_b, 4)
        order = self._create_order([(self.shirt, 7)])
        order.action_confirm()
        shipped = self._shipped(order)
        self.assertEqual(shipped[("DCA", self.shirt)] + shipped[("DCB", self.shirt)], 7.0)
        self.assertEqual(len(self._deliveries(order)), 2)

    def test_no_split_allowed_keeps_one_package(self):
        order = self._create_order(
            [(self.shirt, 1), (self.cap, 1), (self.scarf, 1)], oms_allow_split=False
        )
        order.action_confirm()
        decision = order.oms_decision_id
        self.assertLessEqual(decision.package_count, 1)
        self.assertEqual(decision.status, "partial")
        self.assertTrue(decision.unfulfilled_line_ids)
        # The unsourced rest is backordered from the home warehouse (channel default).
        self.assertEqual(order.oms_routing_state, "backorder")
        routed = self._deliveries(order).filtered("carrier_id")
        self.assertEqual(len(routed), 1)
        self.assertEqual(order.oms_package_count, 1)
        self.assertFalse(order.oms_is_split)

    def test_policy_max_packages(self):
        policy = self.env.ref("oms_omnichannel.oms_sourcing_policy_fewest_packages").copy(
            {"name": "One box", "max_packages": 1}
        )
        channel = self.env["oms.channel"].create(
            {"name": "Shop", "code": "shop-max", "sourcing_policy_id": policy.id}
        )
        order = self._create_order(
            [(self.shirt, 1), (self.cap, 1), (self.scarf, 1)], oms_channel_id=channel.id
        )
        order.action_confirm()
        self.assertEqual(order.oms_decision_id.package_count, 1)
        self.assertIn("max_packages", order.oms_decision_id.unfulfilled_line_ids.mapped("reason"))
