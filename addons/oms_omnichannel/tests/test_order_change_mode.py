# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service switches home delivery, collection in a store and express."""

from freezegun import freeze_time
from odoo.tests import tagged

from ..models.oms_order_change import OrderChangeRefused
from .change_common import OmsChangeCase
from .common import TUESDAY_MORNING


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderChangeMode(OmsChangeCase):
    def _paid_shipping(self, order, price=4.90):
        order.oms_shipping_price = price

    def test_home_to_pickup_brings_the_goods_by_transfer(self):
        order = self._order([(self.cap, 2)])
        self._paid_shipping(order)
        parcel = self._deliveries(order)
        answer = order._oms_change_delivery_mode("pickup", pickup_store="MITTE", key="m-1")
        self.assertEqual(parcel.state, "cancel")
        self.assertEqual(order.oms_delivery_mode, "pickup")
        self.assertEqual(order.oms_pickup_warehouse_id, self.store)
        transfer = order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "transfer" and p.state != "cancel"
        )
        self.assertEqual(transfer.location_id, self.dc.lot_stock_id)
        self.assertEqual(transfer.location_dest_id, self.store.lot_stock_id)
        handover = self._deliveries(order)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertEqual(self._shipped(order), {("MITTE", self.cap): 2.0})
        self.assertTrue(order.oms_ready_date)
        self.assertIn("Ready for pickup at MITTE", answer["promise"])
        self.assertEqual(order.oms_decision_id.trigger, "mode")
        self.assertIn("collect at MITTE", order.oms_decision_id.explanation)
        # The shipping the customer paid goes back: collecting costs nothing.
        [request] = order.oms_refund_request_ids
        self.assertEqual((request.shipping_amount, request.line_ids.ids), (4.90, []))
        self.assertEqual(answer["refund"]["amount"], "4.90")
        self.assertEqual(self._events("order.changed", order).payload["delivery_mode"], "pickup")

    def test_pickup_back_to_home_delivery(self):
        order = self._order(
            [(self.cap, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )
        answer = order._oms_change_delivery_mode("ship")
        self.assertEqual(order.oms_delivery_mode, "ship")
        self.assertFalse(order.oms_pickup_warehouse_id)
        parcel = self._deliveries(order)
        self.assertEqual(parcel.oms_shipment_kind, "ship")
        self.assertEqual(parcel.carrier_id, self.parcel)
        self.assertFalse(
            order.picking_ids.filtered(
                lambda p: p.oms_shipment_kind == "transfer" and p.state != "cancel"
            )
        )
        self.assertIn("Arrives by", answer["promise"])

    def test_express_says_what_the_customer_owes(self):
        order = self._order([(self.cap, 1)])
        self._paid_shipping(order)
        self.express.write({"fixed_price": 9.90})
        answer = order._oms_change_delivery_mode("ship", service_level="express")
        self.assertEqual(order.oms_service_level, "express")
        self.assertEqual(self._deliveries(order).carrier_id, self.express)
        self.assertIn("owes", answer["summary"])
        self.assertIn("5.00", answer["summary"])
        self.assertFalse(order.oms_refund_request_ids)

    def test_refusals(self):
        order = self._order([(self.cap, 1)])
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_delivery_mode("ship")
        self.assertEqual(caught.exception.code, "nothing_to_change")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_delivery_mode("pickup", pickup_store="DC")
        self.assertEqual(caught.exception.code, "invalid_store")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_delivery_mode("drone")
        self.assertEqual(caught.exception.code, "invalid_mode")
        self._pick(self._deliveries(order))
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_delivery_mode("pickup", pickup_store="MITTE")
        self.assertEqual(caught.exception.code, "being_prepared")
        self.assertEqual(order.oms_delivery_mode, "ship")
