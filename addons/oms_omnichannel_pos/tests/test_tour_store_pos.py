# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The store's work in the POS, in a real browser (static/tests/tours/oms_store_tours.js):
each test puts one order in store A's queue, plays the tour as store A's staff, and checks
in Odoo what the till did."""

from odoo.tests import tagged

from .tour_common import OmsStorePosTourCase


@tagged("post_install", "-at_install")
class TestTourStorePos(OmsStorePosTourCase):
    def test_accept(self):
        order = self._web_order([(self.mug, 2)])
        store_order = self._store_order(order)
        self.start_pos_tour("OmsStoreAcceptTour")
        self.assertEqual(store_order.state, "accepted")
        self.assertEqual(store_order.accepted_by_id, self.staff_a)
        self.assertEqual(store_order.step_ids[0].pos_config_id, self.till)

    def test_reject_and_reroute(self):
        order = self._web_order([(self.mug, 2)])
        store_order = self._store_order(order)
        self.start_pos_tour("OmsStoreRejectTour")
        self.assertEqual(store_order.state, "rejected")
        self.assertEqual(store_order.reject_reason_id, self.reason_shelf)
        self.assertEqual(store_order.reject_note, "Shelf empty at 10:00")
        self.assertEqual(self._to_ship(order), {("STB", self.mug): 2.0})
        self.assertEqual(order.oms_decision_id.trigger, "store_rejected")

    def test_pick_and_pack(self):
        self.env["stock.package.type"].create({"name": "Box S"})
        order = self._web_order([(self.mug, 2)])
        store_order = self._store_order(order)
        self.env["oms.store.pos"].with_user(self.staff_a).accept(store_order.id)
        self.start_pos_tour("OmsStorePickPackTour")
        picking = store_order.picking_id
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "JD0001")
        self.assertEqual(picking.move_line_ids.result_package_id.package_type_id.name, "Box S")
        self.assertEqual(store_order.state, "done")

    def test_handover_with_payment_at_the_till(self):
        order = self._pickup_order([(self.mug, 2)], oms_payment_method="pay_in_store")
        store_order = self._store_order(order)
        pos = self.env["oms.store.pos"].with_user(self.staff_a)
        pos.accept(store_order.id)
        pos.pack(store_order.id, self._pick_all(store_order))
        self.assertEqual(store_order.state, "ready")
        self.start_pos_tour("OmsStoreHandoverPayTour")
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.amount_unpaid, 0.0)
        self.assertEqual(store_order.state, "done")
        self.assertEqual(store_order.collected_by, "Ana Silva")
        self.assertEqual(store_order.picking_id.state, "done")
        pos_order = order.order_line.pos_order_line_ids.order_id
        self.assertEqual(pos_order.state, "paid")
        self.assertFalse(pos_order.picking_ids, "the goods left with the hand-over")
        self.assertEqual(order.order_line.qty_delivered, 2.0)

    def test_no_show_expiry_is_visible(self):
        order = self._pickup_order([(self.mug, 1)], oms_payment_method="pay_in_store")
        store_order = self._store_order(order)
        pos = self.env["oms.store.pos"].with_user(self.staff_a)
        pos.accept(store_order.id)
        pos.pack(store_order.id, self._pick_all(store_order))
        store_order.reserved_until = "2000-01-01 00:00:00"
        self.env["oms.store.reservation"]._cron_reservations()
        self.assertEqual(store_order.state, "released")
        self.start_pos_tour("OmsStoreNoShowTour")
        self.assertTrue(store_order.released_ack)
        self.assertEqual(order.state, "cancel")

    def test_endless_aisle_sale(self):
        self._web_order([(self.mug, 1)])  # Ana is one of store A's customers
        self._stock(self.shirt, self.store_a, -5)
        self.start_pos_tour("OmsEndlessAisleTour")
        order = self.env["sale.order"].search(
            [("oms_pos_request_key", "!=", False), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.oms_delivery_mode, "ship")
        self.assertEqual(self._to_ship(order), {("STB", self.shirt): 1.0})
        self.assertFalse(order.order_line.pos_order_line_ids.order_id.picking_ids)

    def test_an_offline_accept_is_sent_once_when_back(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self.start_pos_tour("OmsStoreOfflineAcceptTour")
        self.assertEqual(store_order.state, "accepted")
        accepted = store_order.step_ids.filtered(lambda s: s.action == "accepted")
        self.assertEqual(len(accepted), 1)
        self.assertTrue(accepted.key, "sent with the till's idempotency key")
