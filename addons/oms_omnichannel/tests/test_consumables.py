"""Goods the router does not route (consumables that are not stocked) ride in a delivery of
their own from the order's warehouse, never in a routed parcel - even when that warehouse
also ships the routed part."""

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestConsumables(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC")
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.dc, 10)
        cls.flyer = cls.env["product.product"].create(
            {"name": "Flyer", "type": "consu", "is_storable": False}
        )

    def test_consumable_in_its_own_delivery_from_the_home_warehouse(self):
        # The order's warehouse is the DC that ships the shirt.
        order = self._create_order([(self.shirt, 1), (self.flyer, 1)], warehouse_id=self.dc.id)
        order.action_confirm()
        deliveries = self._deliveries(order)
        self.assertEqual(len(deliveries), 2)
        routed = deliveries.filtered("oms_shipment_kind")
        plain = deliveries - routed
        self.assertEqual(routed.move_ids.product_id, self.shirt)
        self.assertEqual(routed.carrier_id, self.parcel)
        self.assertEqual(routed.oms_decision_id, order.oms_decision_id)
        self.assertTrue(routed.oms_promised_date)
        self.assertEqual(plain.move_ids.product_id, self.flyer)
        self.assertEqual(plain.picking_type_id.warehouse_id, self.dc)
        self.assertFalse(plain.oms_decision_id)

    def test_consumable_added_later_stays_out_of_the_parcel(self):
        order = self._create_order([(self.shirt, 1)], warehouse_id=self.dc.id)
        order.action_confirm()
        routed = self._deliveries(order)
        order.write({"order_line": [(0, 0, {"product_id": self.flyer.id, "product_uom_qty": 2})]})
        self.assertEqual(routed.move_ids.product_id, self.shirt)
        self.assertEqual(len(self._deliveries(order)), 2)
