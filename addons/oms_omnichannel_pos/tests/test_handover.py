# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestHandover(OmsStoreCase):
    def _ready(self, lines, store=None, **vals):
        """A click & collect order paid online, picked to the pickup shelf."""
        vals.setdefault("oms_payment_status", "paid")
        order = self._pickup_order(lines, store=store, **vals)
        store_order = self._store_order(order)
        staff = self.staff_b if store == self.store_b else self.staff_a
        self._pos(staff).accept(store_order.id)
        answer = self._pos(staff).pack(store_order.id, self._pick_all(store_order))
        self.assertEqual(store_order.state, "ready", answer)
        return order, store_order

    # ------------------------------------------------------------------ finding

    def test_find_the_order_by_code_number_name_or_phone(self):
        order, store_order = self._ready([(self.mug, 1)])
        handover = self.env["oms.store.handover"]
        order.oms_external_name = "#1042"
        for query in (store_order.pickup_code, store_order.pickup_code.lower(), order.name, "#1042", "Ana", "030 12345678", "+49 30 1234 5678"):
            self.assertEqual(handover._find(self.store_a, query), store_order, query)

    def test_another_store_s_code_is_refused_saying_whose_it_is(self):
        _order, store_order = self._ready([(self.mug, 1)], store=self.store_b)
        with self.assertRaisesRegex(Exception, "is an order for STB, not for your store"):
            self.env["oms.store.handover"]._find(self.store_a, store_order.pickup_code)
        with self.assertRaisesRegex(Exception, "No open order of your store matches"):
            self.env["oms.store.handover"]._find(self.store_a, "Nobody")

    # ------------------------------------------------------------------ hand-over

    def test_hand_over_delivers_the_order(self):
        order, store_order = self._ready([(self.mug, 2)])
        answer = self._pos().handover(store_order.id, "")
        self.assertFalse(answer["ok"])
        self.assertEqual(answer["message"], "Say who collects the order.")
        answer = self._pos().handover(store_order.id, "Ana Silva", key="till-1-handover")
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["message"], f"{order.name} was handed over to Ana Silva.")
        self.assertEqual(store_order.state, "done")
        self.assertEqual(store_order.collected_by, "Ana Silva")
        self.assertEqual(store_order.picking_id.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        self.assertEqual(order.oms_decision_id.trigger, "delivery_done")
        self.env.cr.flush()
        self.assertTrue(
            self.env["oms.outbox.event"].search(
                [("topic", "=", "shipment.shipped"), ("res_id", "=", store_order.picking_id.id)]
            )
        )
        again = self._pos().handover(store_order.id, "Someone Else")
        self.assertFalse(again["ok"])
        self.assertIn("was handed over to Ana Silva", again["message"])

    def test_an_order_not_picked_is_not_handed_over(self):
        order = self._pickup_order([(self.mug, 1)], oms_payment_status="paid")
        store_order = self._store_order(order)
        self._pos().accept(store_order.id)
        answer = self._pos().handover(store_order.id, "Ana")
        self.assertFalse(answer["ok"])
        self.assertIn("not ready for pickup yet", answer["message"])

    def test_what_is_still_due_is_paid_at_the_till_first(self):
        order, store_order = self._ready([(self.mug, 1)], oms_payment_status="pending", oms_payment_method="pay_in_store")
        self.assertEqual(store_order.kind, "reservation")
        self.assertEqual(store_order.amount_due, order.amount_total)
        answer = self._pos().handover(store_order.id, "Ana")
        self.assertFalse(answer["ok"])
        self.assertIn("still has", answer["message"])
        self.assertIn("to pay: take the payment at the till", answer["message"])
        self.assertEqual(store_order.picking_id.state, "assigned")

    def test_a_refused_item_goes_back_to_stock_and_is_refunded(self):
        order, store_order = self._ready([(self.mug, 2), (self.shirt, 1)])
        moves = store_order.picking_id.move_ids
        mug_move = moves.filtered(lambda m: m.product_id == self.mug)
        shirt_move = moves - mug_move
        answer = self._pos().handover(
            store_order.id, "Ana", collected={mug_move.id: 1, shirt_move.id: 1}, note="Wrong colour"
        )
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(mug_move.quantity, 1.0)
        self.assertEqual(store_order.picking_id.state, "done")
        mug_line = order.order_line.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual(mug_line.product_uom_qty, 1.0)
        self.assertEqual(mug_line.qty_delivered, 1.0)
        on_hand = self.mug.with_context(warehouse_id=self.store_a.id).qty_available
        self.assertEqual(on_hand, 4.0, "the refused mug never left the store")
        refund = order.activity_ids.filtered(lambda a: a.summary == "Refund items refused at pickup")
        self.assertTrue(refund, "customer service refunds what was paid online")
        self.assertIn("1 × [MUG] Stone Mug", refund.note)
        refused = store_order.step_ids.filtered(lambda s: s.action == "refused")
        self.assertEqual(refused.note, "1 × [MUG] Stone Mug - Wrong colour")

    def test_ready_for_pickup_can_be_sent_again(self):
        _order, store_order = self._ready([(self.mug, 1)])
        answer = self._pos().resend_ready(store_order.id)
        self.assertTrue(answer["ok"], answer)
        told = store_order.step_ids.filtered(lambda s: s.action == "notified")
        self.assertEqual(len(told), 2)

    # ------------------------------------------------------------------ reminders

    def test_uncollected_orders_are_reminded_twice(self):
        _order, store_order = self._ready([(self.mug, 1)])
        handover = self.env["oms.store.handover"]
        self.assertFalse(handover._cron_pickup_reminders())
        with freeze_time(datetime(2026, 12, 3, 9, 1)):
            self.assertEqual(handover._cron_pickup_reminders(), store_order)
            self.assertFalse(handover._cron_pickup_reminders(), "once per reminder")
        with freeze_time(datetime(2026, 12, 5, 9, 2)):
            self.assertEqual(handover._cron_pickup_reminders(), store_order)
        with freeze_time(datetime(2026, 12, 9, 9, 2)):
            self.assertFalse(handover._cron_pickup_reminders(), "two reminders at most")
        self.assertEqual(store_order.reminder_count, 2)
        self.assertEqual(len(store_order.step_ids.filtered(lambda s: s.action == "reminded")), 2)
