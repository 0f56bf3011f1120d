"""A click & collect order whose store is switched off is handled on purpose.

Re-sourced to the same store by transfer when it still takes pickups; else moved to the
nearest pickup store that can have everything ready, the customer told; else held for a
person with a to-do. Never a delivery of the store's own stock while it is off, and the
order's summary says what happened.
"""

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestPickupFailover(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC", zip_code="20095")
        store_vals = {
            "oms_node_kind": "store",
            "oms_pickup_point": True,
            "oms_ships_parcels": False,
        }
        cls.mitte = cls._create_node("MITTE", oms_latitude=52.52, oms_longitude=13.40, **store_vals)
        # Two other stores: Pankow is near Mitte, Munich far away.
        cls.pankow = cls._create_node(
            "PANKOW", zip_code="13187", oms_latitude=52.57, oms_longitude=13.40, **store_vals
        )
        cls.munich = cls._create_node(
            "MUC", zip_code="80331", oms_latitude=48.14, oms_longitude=11.58, **store_vals
        )
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.mitte, 5)
        cls._stock(cls.shirt, cls.dc, 5)
        cls.customer.email = "ana@example.com"

    def _pickup_order(self, qty=2):
        order = self._create_order(
            [(self.shirt, qty)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.mitte.id
        )
        order.action_confirm()
        handover = self._deliveries(order)
        self.assertEqual(handover.picking_type_id.warehouse_id, self.mitte)
        self.assertEqual(handover.state, "assigned", "from the store's own shelves")
        return order

    def _switch_off(self, store, stop_pickups=False):
        action = store.action_oms_switch_off()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"stop_pickups": stop_pickups})
        )
        wizard.action_switch_off()

    def _open(self, order):
        return order.picking_ids.filtered(lambda p: p.state not in ("cancel", "done"))

    def _assert_nothing_from_the_off_store(self, order):
        """No delivery takes the switched-off store's own stock."""
        for picking in self._open(order):
            if picking.oms_shipment_kind == "transfer":
                self.assertNotEqual(picking.location_id, self.mitte.lot_stock_id)
            elif picking.picking_type_id.warehouse_id == self.mitte:
                self.assertEqual(picking.oms_shipment_kind, "pickup")
                self.assertNotEqual(picking.state, "assigned", "waits for the transfer")

    def test_store_still_takes_pickups_goods_come_by_transfer(self):
        order = self._pickup_order()
        self._switch_off(self.mitte)
        self.assertTrue(self.mitte.oms_pickup_point)
        self._assert_nothing_from_the_off_store(order)
        transfer = self._open(order).filtered(lambda p: p.oms_shipment_kind == "transfer")
        self.assertEqual(transfer.location_id, self.dc.lot_stock_id)
        self.assertEqual(transfer.location_dest_id, self.mitte.lot_stock_id)
        handover = self._deliveries(order)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertEqual(handover.picking_type_id.warehouse_id, self.mitte)
        # The summary matches: collected at the store, ready when the transfer arrives.
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertEqual(order.oms_package_count, 1)
        self.assertEqual(order.oms_ready_date, handover.oms_promised_date)
        self.assertEqual(order.oms_promised_date, handover.oms_promised_date)
        decision = order.oms_decision_id
        self.assertEqual(decision.trigger, "failover")
        self.assertEqual(decision.status, "complete")
        self.assertIn("Collected at MITTE", decision.explanation)
        self.assertIn("still hands over orders", decision.explanation)
        # Ready once the transfer has arrived: the handover reserves then.
        transfer.move_ids.quantity = 2
        transfer.move_ids.picked = True
        transfer._action_done()
        self.assertEqual(handover.state, "assigned")

    def test_store_stops_pickups_order_moves_to_the_nearest_store(self):
        self._stock(self.shirt, self.pankow, 5)
        self._stock(self.shirt, self.munich, 5)
        order = self._pickup_order()
        messages = order.message_ids
        self._switch_off(self.mitte, stop_pickups=True)
        self.assertFalse(self.mitte.oms_pickup_point)
        self.assertEqual(order.oms_pickup_warehouse_id, self.pankow)
        self.assertFalse(
            self._open(order).filtered(
                lambda p: (
                    p.picking_type_id.warehouse_id == self.mitte
                    or p.location_dest_id == self.mitte.lot_stock_id
                )
            )
        )
        handover = self._deliveries(order)
        self.assertEqual(handover.picking_type_id.warehouse_id, self.pankow)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertEqual(handover.state, "assigned")
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertEqual(order.oms_ready_date, handover.oms_promised_date)
        self.assertIn("moved to PANKOW", order.oms_decision_id.explanation)
        self.assertIn("Collected at PANKOW", order.oms_decision_id.explanation)
        # The customer is told, by e-mail.
        told = (order.message_ids - messages).filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn("PANKOW", told.body)
        self.assertEqual(told.message_type, "comment")

    def test_no_store_can_take_it_order_is_held(self):
        self.munich.oms_pickup_point = False
        order = self._pickup_order()
        self.env["stock.quant"]._update_available_quantity(self.shirt, self.dc.lot_stock_id, -5)
        self._switch_off(self.mitte, stop_pickups=True)
        self.assertFalse(self._open(order), "no delivery at a store that is off")
        self.assertEqual(order.oms_pickup_warehouse_id, self.mitte)
        self.assertEqual(order.oms_routing_state, "hold")
        self.assertFalse(order.oms_promised_date)
        self.assertFalse(order.oms_ready_date)
        self.assertEqual(order.oms_package_count, 0)
        decision = order.oms_decision_id
        self.assertEqual(decision.trigger, "failover")
        self.assertEqual(decision.status, "unfulfilled")
        self.assertEqual(decision.unfulfilled_line_ids.reason, "pickup_node_unavailable")
        self.assertIn("no other pickup store", decision.explanation)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertNotEqual(activity.user_id, self.env.ref("base.user_root"))

    def test_new_pickup_order_at_a_store_that_is_off(self):
        """Not only the failover: a new order for a store that is off but still hands over
        orders gets its goods by transfer."""
        self.mitte.oms_routing_enabled = False
        order = self._create_order(
            [(self.shirt, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.mitte.id
        )
        order.action_confirm()
        self._assert_nothing_from_the_off_store(order)
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertTrue(order.picking_ids.filtered(lambda p: p.oms_shipment_kind == "transfer"))
