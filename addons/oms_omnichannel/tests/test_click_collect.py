from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestClickAndCollect(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC")
        cls.store = cls._create_node(
            "MITTE",
            oms_node_kind="store",
            oms_pickup_point=True,
            oms_ships_parcels=False,
        )
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        cls._stock(cls.shirt, cls.store, 3)
        cls._stock(cls.shirt, cls.dc, 10)
        cls._stock(cls.cap, cls.dc, 10)

    def _pickup_order(self, lines):
        return self._create_order(
            lines, oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )

    def test_store_has_the_goods_no_transfer(self):
        order = self._pickup_order([(self.shirt, 2)])
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("MITTE", self.shirt): 2.0})
        handover = self._deliveries(order)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertFalse(handover.carrier_id)
        self.assertEqual(handover.state, "assigned")
        self.assertFalse(order.picking_ids.filtered(lambda p: p.oms_shipment_kind == "transfer"))
        self.assertTrue(order.oms_ready_date)
        self.assertEqual(order.oms_ready_date, order.oms_promised_date)

    def test_store_lacks_stock_transfer_from_dc(self):
        order = self._pickup_order([(self.shirt, 2), (self.cap, 1)])
        order.action_confirm()
        # Everything is handed over at the store ...
        self.assertEqual(
            self._shipped(order), {("MITTE", self.shirt): 2.0, ("MITTE", self.cap): 1.0}
        )
        # ... and the cap travels from the DC to the store first.
        transfer = order.picking_ids.filtered(lambda p: p.oms_shipment_kind == "transfer")
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.location_id, self.dc.lot_stock_id)
        self.assertEqual(transfer.location_dest_id, self.store.lot_stock_id)
        self.assertEqual(transfer.move_ids.product_id, self.cap)
        self.assertEqual(transfer.state, "assigned")
        decision = order.oms_decision_id
        transfer_line = decision.shipment_line_ids.filtered(lambda dl: dl.kind == "transfer")
        self.assertEqual(transfer_line.source_warehouse_id, self.dc)
        self.assertEqual(transfer_line.warehouse_id, self.store)
        self.assertEqual(transfer_line.picking_id, transfer)

    def test_ready_later_with_a_transfer(self):
        in_store = self._pickup_order([(self.shirt, 1)])
        in_store.action_confirm()
        with_transfer = self._pickup_order([(self.cap, 1)])
        with_transfer.action_confirm()
        self.assertGreater(with_transfer.oms_ready_date, in_store.oms_ready_date)

    def test_transfer_arrival_makes_the_handover_ready(self):
        order = self._pickup_order([(self.cap, 1)])
        order.action_confirm()
        handover = self._deliveries(order)
        self.assertEqual(handover.oms_shipment_kind, "pickup")
        self.assertEqual(handover.oms_decision_id, order.oms_decision_id)
        self.assertEqual(handover.oms_promised_date, order.oms_ready_date)
        self.assertNotEqual(handover.state, "assigned")
        transfer = order.picking_ids.filtered(lambda p: p.oms_shipment_kind == "transfer")
        transfer.move_ids.quantity = 1
        transfer.move_ids.picked = True
        transfer._action_done()
        self.assertEqual(handover.state, "assigned")

    def test_store_that_takes_no_pickups(self):
        closed = self._create_node("SHUT", oms_node_kind="store", oms_pickup_point=False)
        order = self._create_order(
            [(self.shirt, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=closed.id
        )
        order.action_confirm()
        decision = order.oms_decision_id
        self.assertEqual(decision.status, "unfulfilled")
        self.assertEqual(decision.unfulfilled_line_ids.reason, "pickup_node_unavailable")
        # Backordered at the chosen store, never shipped from elsewhere instead.
        self.assertEqual(set(self._shipped(order)), {("SHUT", self.shirt)})
        self.assertNotEqual(self._deliveries(order).state, "assigned")

    def test_failover_of_the_transfer_source_plans_a_new_transfer(self):
        other_dc = self._create_node("DC2")
        self._stock(self.cap, other_dc, 10)
        order = self._pickup_order([(self.cap, 1)])
        order.action_confirm()
        first = order.picking_ids.filtered(lambda p: p.oms_shipment_kind == "transfer")
        self.assertEqual(first.location_id, self.dc.lot_stock_id)
        action = self.dc.action_oms_switch_off()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertIn(first, wizard.picking_ids)
        wizard.action_switch_off()
        self.assertEqual(first.state, "cancel")
        transfer = order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "transfer" and p.state != "cancel"
        )
        self.assertEqual(transfer.location_id, other_dc.lot_stock_id)
        self.assertEqual(transfer.location_dest_id, self.store.lot_stock_id)
        self.assertEqual(self._shipped(order), {("MITTE", self.cap): 1.0})
