# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestAcceptReject(OmsStoreCase):
    def _free(self, product, store):
        free = self.env["oms.sellable.stock"]._get_on_hand_free(product, store)
        return free.get((store.id, product.id), 0.0)

    # ------------------------------------------------------------------ accept

    def _accepted_events(self, order):
        self.env.cr.flush()  # what a commit does: the outbox is written
        return self.env["oms.outbox.event"].search_count(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("topic", "=", "order.accepted")]
        )

    def test_accept_makes_the_order_the_store_s(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        events = self._accepted_events(order)
        self.assertTrue(events)
        answer = self._pos().accept(store_order.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["state"], "accepted")
        self.assertEqual(store_order.state, "accepted")
        self.assertEqual(store_order.accepted_by_id, self.staff_a)
        self.assertFalse(store_order.accept_deadline)
        # The order's history says it, in words, with who.
        decision = order.oms_decision_id
        self.assertEqual(decision.trigger, "store_accepted")
        self.assertIn("STA accepted the order (Anna)", decision.explanation)
        self.assertIn("STA accepted the order", order.message_ids[0].body)
        # The shipments did not change: the shop is not told again.
        self.assertEqual(self._accepted_events(order), events)

    def test_a_second_accept_is_told_who_was_first(self):
        store_order = self._store_order(self._web_order([(self.mug, 1)]))
        self._pos().accept(store_order.id)
        other = self._create_user("pos19_staff_a2", self.store_a)
        answer = self._pos(other).accept(store_order.id)
        self.assertFalse(answer["ok"])
        self.assertIn("already accepted by Anna", answer["message"])
        self.assertEqual(store_order.accepted_by_id, self.staff_a)
        self.assertEqual(store_order.step_ids[0].action, "refused_call")

    def test_the_same_call_twice_is_applied_once(self):
        store_order = self._store_order(self._web_order([(self.mug, 1)]))
        first = self._pos().accept(store_order.id, key="till-1-accept-1")
        again = self._pos().accept(store_order.id, key="till-1-accept-1")
        self.assertTrue(first["ok"])
        self.assertEqual(again, dict(first, replayed=True))
        self.assertEqual(store_order.step_ids.mapped("action").count("accepted"), 1)

    # ------------------------------------------------------------------ reject

    def test_reject_routes_the_order_on_without_the_store(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        picking = store_order.picking_id
        answer = self._pos().reject(store_order.id, self.reason_other.id, note="Till broken")
        self.assertTrue(answer["ok"], answer)
        self.assertIn("it now goes from STB", answer["message"])
        self.assertEqual(store_order.state, "rejected")
        self.assertEqual(store_order.reject_reason_id, self.reason_other)
        self.assertEqual(store_order.rejected_by_id, self.staff_a)
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(self._shipped(order), {("STB", self.mug): 1.0})
        next_store_order = self._store_order(order)
        self.assertEqual(next_store_order.warehouse_id, self.store_b)
        self.assertEqual(next_store_order.state, "new")
        decision = order.oms_decision_id
        self.assertEqual(decision.trigger, "store_rejected")
        self.assertIn(self.store_a, decision.excluded_warehouse_ids)
        self.assertIn("STA rejected the order: Other (Till broken) (Anna)", decision.explanation)
        self.assertTrue(order.oms_promised_date)

    def test_a_second_reject_leaves_out_both_stores(self):
        order = self._web_order([(self.mug, 1)])
        self._pos().reject(self._store_order(order).id, self.reason_other.id)
        self._pos(self.staff_b).reject(self._store_order(order).id, self.reason_other.id)
        self.assertEqual(self._shipped(order), {("DCX", self.mug): 1.0})
        self.assertFalse(self._store_order(order))
        self.assertEqual(order.oms_decision_id.excluded_warehouse_ids, self.store_a | self.store_b)

    def test_not_on_the_shelf_leaves_nothing_to_sell_until_counted(self):
        other_order = self._web_order([(self.mug, 2)])  # reserves 2 of store A's 5
        order = self._web_order([(self.mug, 1)])
        self.assertEqual(self._store_order(order).warehouse_id, self.store_a)
        self._pos().reject(self._store_order(order).id, self.reason_shelf.id)
        self.assertEqual(self._free(self.mug, self.store_a), 0.0)
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.mug.id), ("location_id", "=", self.store_a.lot_stock_id.id)]
        )
        self.assertEqual(sum(quants.mapped("quantity")), 2.0, "the other order's reservation stays")
        self.assertEqual(quants.inventory_date, datetime(2026, 12, 1).date(), "to count today")
        adjustment = self.env["stock.move"].search(
            [("product_id", "=", self.mug.id), ("is_inventory", "=", True)], order="id desc", limit=1
        )
        self.assertEqual(adjustment.product_uom_qty, 3.0)
        self.assertEqual(adjustment.name, f"Not on the shelf: {order.name} at STA")
        self.assertEqual(self._store_order(other_order).picking_id.state, "assigned")
        # Routing now sends the next mug elsewhere.
        self.assertEqual(self._shipped(self._web_order([(self.mug, 1)])), {("STB", self.mug): 1.0})

    def test_damaged_takes_the_rejected_quantity_off(self):
        order = self._web_order([(self.mug, 2)])
        self._pos().reject(self._store_order(order).id, self.reason_damaged.id)
        self.assertEqual(self._free(self.mug, self.store_a), 3.0)

    def test_no_capacity_sends_the_store_nothing_more_today(self):
        order = self._web_order([(self.mug, 1)])
        self._pos().reject(self._store_order(order).id, self.reason_full.id)
        # Midnight in Berlin.
        self.assertEqual(self.store_a.oms_full_until, datetime(2026, 12, 1, 23, 0))
        self.assertEqual(self._shipped(self._web_order([(self.shirt, 1)])), {("STB", self.shirt): 1.0})
        with freeze_time("2026-12-02 08:00:00"):
            self.assertEqual(
                self._shipped(self._web_order([(self.shirt, 1)])), {("STA", self.shirt): 1.0}
            )

    def test_a_rejected_pickup_comes_by_transfer_to_the_same_store(self):
        order = self._pickup_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self._pos().reject(store_order.id, self.reason_shelf.id)
        transfer = order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "transfer" and p.state != "cancel"
        )
        self.assertTrue(transfer)
        self.assertNotEqual(transfer.picking_type_id.warehouse_id, self.store_a)
        handover = self._store_order(order)
        self.assertEqual(handover.warehouse_id, self.store_a)
        self.assertEqual(handover.state, "accepted")
        self.assertTrue(handover.auto_accepted)
        answer = self._pos().reject(handover.id, self.reason_shelf.id)
        self.assertFalse(answer["ok"])
        self.assertIn("come to your store by transfer", answer["message"])

    def test_an_order_being_picked_cannot_be_rejected(self):
        store_order = self._store_order(self._web_order([(self.mug, 2)]))
        self._pos().accept(store_order.id)
        store_order.picking_id.move_ids.write({"quantity": 1, "picked": True})
        answer = self._pos().reject(store_order.id, self.reason_other.id)
        self.assertFalse(answer["ok"])
        self.assertIn("mark the missing items instead", answer["message"])
        self.assertEqual(store_order.state, "accepted")

    # ------------------------------------------------------------------ timeout

    def test_an_order_nobody_accepts_in_time_goes_on(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        fulfilment = self.env["oms.store.fulfilment"]
        self.assertFalse(fulfilment._cron_accept_timeouts(), "not yet: 30 minutes to accept")
        with freeze_time("2026-12-01 09:31:00"):
            self.assertEqual(fulfilment._cron_accept_timeouts(), store_order)
            self.assertFalse(fulfilment._cron_accept_timeouts(), "a second run changes nothing")
        self.assertEqual(store_order.state, "timeout")
        self.assertEqual(self._shipped(order), {("STB", self.mug): 1.0})
        self.assertEqual(order.oms_decision_id.trigger, "store_timeout")
        self.assertIn("STA did not accept the order in time", order.oms_decision_id.explanation)
        # The store that let it go hears why if it tries later.
        answer = self._pos().accept(store_order.id)
        self.assertFalse(answer["ok"])
        self.assertIn("not accepted in time", answer["message"])

    def test_an_offline_accept_is_refused_once_the_order_moved(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        with freeze_time("2026-12-01 09:31:00"):
            self.env["oms.store.fulfilment"]._cron_accept_timeouts()
        # The till accepted at 10:20 while offline; the call arrives now.
        answer = self._pos().accept(store_order.id, key="offline-till-7")
        self.assertFalse(answer["ok"])
        self.assertIn("went to another node", answer["message"])
        again = self._pos().accept(store_order.id, key="offline-till-7")
        self.assertEqual(again, dict(answer, replayed=True))
        self.assertEqual(self._store_order(order).warehouse_id, self.store_b)

    # ------------------------------------------------------------------ capacity and hours

    def test_a_store_at_capacity_gets_nothing_more(self):
        self.store_a.oms_daily_capacity = 1
        first = self._web_order([(self.mug, 1)])
        self.assertEqual(self._store_order(first).warehouse_id, self.store_a)
        second = self._web_order([(self.mug, 1)])
        self.assertEqual(self._shipped(second), {("STB", self.mug): 1.0})
        # A rejected order no longer counts: the store has room again.
        self._pos().reject(self._store_order(first).id, self.reason_other.id)
        third = self._web_order([(self.mug, 1)])
        self.assertEqual(self._shipped(third), {("STA", self.mug): 1.0})

    def test_closing_time_is_the_store_s_cutoff(self):
        self.store_a.write({"oms_cutoff_hour": 18.0, "oms_closing_hour": 13.0})
        node = self.env["oms.network"]._prepare_node(self.store_a)
        self.assertEqual(node.cutoff.hour, 13)
        self.dc.oms_cutoff_hour = 18.0
        self.assertEqual(self.env["oms.network"]._prepare_node(self.dc).cutoff.hour, 18)
