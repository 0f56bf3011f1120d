# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestStoreQueue(OmsStoreCase):
    def test_a_store_delivery_waits_in_the_store_queue(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self.assertEqual(store_order.warehouse_id, self.store_a)
        self.assertEqual(store_order.kind, "ship")
        self.assertEqual(store_order.state, "new")
        self.assertEqual(store_order.picking_id.picking_type_id.warehouse_id, self.store_a)
        self.assertEqual(store_order.line_summary, "1 × [MUG] Stone Mug")
        self.assertEqual(store_order.step_ids.mapped("action"), ["offered"])
        # 10:00 in Berlin, 30 minutes to accept.
        self.assertEqual(store_order.accept_deadline, datetime(2026, 12, 1, 9, 30))

    def test_a_dc_delivery_is_nobody_s_store_order(self):
        self.store_a.oms_routing_enabled = False
        self.store_b.oms_routing_enabled = False
        order = self._web_order([(self.mug, 1)])
        self.assertEqual(self._shipped(order), {("DCX", self.mug): 1.0})
        self.assertFalse(order.oms_store_order_ids)

    def test_click_and_collect_has_a_pickup_code(self):
        order = self._pickup_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self.assertEqual(store_order.kind, "pickup")
        self.assertEqual(len(store_order.pickup_code), 8)

    def test_reserve_pay_in_store_is_a_reservation(self):
        order = self._pickup_order([(self.mug, 1)], oms_payment_method="pay_in_store")
        self.assertEqual(self._store_order(order).kind, "reservation")
        hold = self._pickup_order([(self.mug, 1)], oms_reservation_id="res-1")
        self.assertEqual(self._store_order(hold).kind, "reservation")
        paid = self._pickup_order(
            [(self.mug, 1)], oms_reservation_id="res-2", oms_payment_status="paid"
        )
        self.assertEqual(self._store_order(paid).kind, "pickup")

    def test_goods_coming_by_transfer_need_no_acceptance(self):
        self._stock(self.shirt, self.store_a, -5)
        order = self._pickup_order([(self.shirt, 1)])
        store_order = self._store_order(order)
        self.assertEqual(store_order.state, "accepted")
        self.assertTrue(store_order.auto_accepted)
        self.assertTrue(store_order.waiting_for_goods)
        self.assertFalse(store_order.accept_deadline)

    @freeze_time("2026-12-01 19:50:00")
    def test_the_accept_time_counts_opening_hours_only(self):
        # 20:50 in Berlin, the store closed at 20:00: the 30 minutes start at 9:00 tomorrow.
        order = self._web_order([(self.mug, 1)])
        self.assertEqual(self._store_order(order).accept_deadline, datetime(2026, 12, 2, 8, 30))

    def test_the_pos_loads_its_store_s_queue_only(self):
        mine = self._web_order([(self.mug, 1)])
        self.store_a.oms_routing_enabled = False
        theirs = self._web_order([(self.mug, 1)])
        StoreOrder = self.env["oms.store.order"]
        config = self.env["pos.config"].new({"picking_type_id": self.store_a.pos_type_id.id})
        self.assertEqual(config.oms_warehouse_id, self.store_a)
        domain = StoreOrder.with_context(active_test=False)._load_pos_data_domain(
            {"pos.config": {"data": [{"id": 0}]}}
        )
        self.assertFalse(domain, "a config without a store loads no queue")
        found = StoreOrder.search(
            [("warehouse_id", "=", self.store_a.id), ("state", "in", ("new", "accepted", "ready"))]
        )
        self.assertIn(self._store_order(mine), found)
        self.assertNotIn(self._store_order(theirs), found)
