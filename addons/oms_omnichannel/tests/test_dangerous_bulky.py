from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestDangerousAndBulky(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # CHEAP is preferred by rank, but neither certified nor allowed bulky goods.
        cls.cheap = cls._create_node(
            "CHEAP", oms_dangerous_certified=False, oms_bulky_allowed=False
        )
        cls.certified = cls._create_node(
            "CERT", oms_dangerous_certified=True, oms_bulky_allowed=True, oms_priority=3
        )
        cls.parcel.oms_accepts_dangerous = False
        cls.parcel.oms_accepts_bulky = False
        cls.hazmat_freight = cls._create_carrier(
            "Hazmat & Freight", cost_per_package=20.0, accepts_dangerous=True, accepts_bulky=True
        )
        cls.battery = cls._create_product("Lithium battery", oms_dangerous_class="9")
        cls.sofa = cls._create_product("Sofa", oms_is_bulky=True, weight=30.0)
        cls.shirt = cls._create_product("Shirt")
        for product in (cls.battery, cls.sofa, cls.shirt):
            cls._stock(product, cls.cheap, 5)
            cls._stock(product, cls.certified, 5)

    def test_plain_goods_take_the_preferred_node(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("CHEAP", self.shirt): 1.0})
        self.assertEqual(self._deliveries(order).carrier_id, self.parcel)

    def test_dangerous_goods_only_from_certified_node_and_carrier(self):
        order = self._create_order([(self.battery, 1)])
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("CERT", self.battery): 1.0})
        self.assertEqual(self._deliveries(order).carrier_id, self.hazmat_freight)
        self.assertIn("CHEAP", order.oms_decision_id.explanation)

    def test_bulky_goods_only_where_allowed(self):
        order = self._create_order([(self.sofa, 1)])
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("CERT", self.sofa): 1.0})
        self.assertEqual(self._deliveries(order).carrier_id, self.hazmat_freight)

    def test_no_certified_stock_leaves_dangerous_goods_unsourced(self):
        self.env["stock.quant"]._update_available_quantity(
            self.battery, self.certified.lot_stock_id, -5
        )
        order = self._create_order([(self.battery, 1)])
        order.action_confirm()
        decision = order.oms_decision_id
        self.assertEqual(decision.status, "unfulfilled")
        self.assertFalse(decision.shipment_line_ids)
        self.assertEqual(decision.unfulfilled_line_ids.product_id, self.battery)
        # CHEAP has batteries but may not ship them: nothing routed from there; the battery
        # waits for stock at the order's warehouse, with no carrier and no promise.
        self.assertEqual(set(self._shipped(order)), {(self.home.code, self.battery)})
        waiting = self._deliveries(order)
        self.assertTrue(all(waiting.move_ids.mapped("oms_backorder")))
        self.assertFalse(waiting.carrier_id)
        self.assertFalse(order.oms_promised_date)
        self.assertEqual(order.oms_routing_state, "backorder")
