from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRoutingSingleSource(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc_north = cls._create_node("NORTH")
        cls.dc_south = cls._create_node("SOUTH")
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        # NORTH holds everything, SOUTH only the shirts.
        cls._stock(cls.shirt, cls.dc_north, 10)
        cls._stock(cls.cap, cls.dc_north, 10)
        cls._stock(cls.shirt, cls.dc_south, 10)

    def test_one_node_serves_the_whole_order(self):
        order = self._create_order([(self.shirt, 2), (self.cap, 1)])
        order.action_confirm()
        self.assertEqual(
            self._shipped(order),
            {("NORTH", self.shirt): 2.0, ("NORTH", self.cap): 1.0},
        )
        self.assertEqual(order.oms_routing_state, "routed")
        decision = order.oms_decision_id
        self.assertEqual(decision.status, "complete")
        self.assertFalse(decision.is_split)
        self.assertEqual(decision.package_count, 1)
        self.assertFalse(order.oms_is_split)

    def test_delivery_carries_carrier_dates_and_decision(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        delivery = self._deliveries(order)
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.carrier_id, self.parcel)
        self.assertEqual(delivery.oms_decision_id, order.oms_decision_id)
        self.assertEqual(delivery.oms_shipment_kind, "ship")
        self.assertTrue(delivery.oms_promised_date)
        self.assertEqual(delivery.oms_promised_date, order.oms_promised_date)
        self.assertEqual(delivery.date_deadline, order.oms_promised_date)
        self.assertEqual(delivery.state, "assigned", "the routed stock is reserved")
        lines = order.oms_decision_id.shipment_line_ids
        self.assertEqual(lines.picking_id, delivery)

    def test_decision_explains_in_words(self):
        order = self._create_order([(self.shirt, 1), (self.cap, 1)])
        order.action_confirm()
        explanation = order.oms_decision_id.explanation
        self.assertIn("NORTH ships", explanation)
        self.assertIn("Parcel", explanation)
        self.assertIn("<p>", order.oms_explanation_html)

    def test_decision_is_named_by_order_and_trigger_label(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(order.oms_decision_id.display_name, f"{order.name} / Order confirmed")

    def test_routing_switched_off_for_the_company_is_vanilla_odoo(self):
        self.company.oms_routing_active = False
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(order.oms_routing_state, "none")
        self.assertFalse(order.oms_decision_id)
        self.assertEqual(self._deliveries(order).picking_type_id.warehouse_id, self.home)

    def test_services_are_not_routed(self):
        service = self.env["product.product"].create({"name": "Gift wrap", "type": "service"})
        order = self._create_order([(service, 1)])
        order.action_confirm()
        self.assertEqual(order.oms_routing_state, "none")
        self.assertFalse(order.picking_ids)

    def test_a_line_with_its_own_route_is_left_to_odoo(self):
        order = self._create_order([(self.shirt, 1), (self.cap, 1)])
        order.order_line[0].route_id = self.home.delivery_route_id
        order.action_confirm()
        shipped = self._shipped(order)
        self.assertEqual(shipped[(self.home.code, self.shirt)], 1.0)
        self.assertEqual(shipped[("NORTH", self.cap)], 1.0)
        self.assertEqual(order.oms_decision_id.line_ids.product_id, self.cap)
