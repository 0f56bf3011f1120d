# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestPickPack(OmsStoreCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parcel.oms_carrier_code = "dhl"
        cls.box = cls.env["stock.package.type"].create({"name": "Box S"})

    def _accepted(self, lines, **vals):
        order = self._web_order(lines, **vals)
        store_order = self._store_order(order)
        self.assertTrue(self._pos().accept(store_order.id)["ok"])
        return order, store_order

    def test_the_pick_list_names_what_to_scan(self):
        _order, store_order = self._accepted([(self.mug, 2), (self.shirt, 1)])
        lines = self._pos().lines(store_order.id)["lines"]
        self.assertEqual(
            [(line["barcode"], line["quantity"]) for line in lines],
            [("4006381333931", 2.0), ("4006381333948", 1.0)],
        )
        self.assertIn({"id": self.box.id, "name": "Box S"}, self._pos().lines(store_order.id)["package_types"])

    def test_pick_and_pack_ships_the_store_s_delivery(self):
        order, store_order = self._accepted([(self.mug, 2)])
        self.env.cr.flush()
        answer = self._pos().pack(
            store_order.id,
            self._pick_all(store_order),
            package_type_id=self.box.id,
            carrier_id=self.parcel.id,
            tracking_ref="JD0001",
        )
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["message"], f"{order.name} was shipped with Parcel, tracking number JD0001.")
        picking = store_order.picking_id
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "JD0001")
        self.assertEqual(picking.move_line_ids.result_package_id.package_type_id, self.box)
        self.assertEqual(store_order.state, "done")
        self.assertEqual(store_order.done_by_id, self.staff_a)
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        # The shop is told by the core's outbox, with the tracking number.
        self.env.cr.flush()
        shipped = self.env["oms.outbox.event"].search(
            [("topic", "=", "shipment.shipped"), ("res_id", "=", picking.id)]
        )
        self.assertEqual(shipped[-1:].payload["tracking_number"], "JD0001")

    def test_a_missing_item_is_rejected_for_that_quantity(self):
        order, store_order = self._accepted([(self.mug, 3), (self.shirt, 1)])
        picked = self._pick_all(store_order)
        mug_move = store_order.picking_id.move_ids.filtered(lambda m: m.product_id == self.mug)
        picked[mug_move.id] = 1
        answer = self._pos().pack(store_order.id, picked)
        self.assertFalse(answer["ok"])
        self.assertIn("Say why items are missing", answer["message"])
        answer = self._pos().pack(store_order.id, picked, reason_id=self.reason_damaged.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(store_order.picking_id.state, "done")
        self.assertEqual(mug_move.quantity, 1.0)
        # The two missing mugs go from the next best node, the store's stock loses them.
        self.assertEqual(self._to_ship(order), {("STB", self.mug): 2.0})
        history = self.env["oms.routing.decision"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(history.mapped("trigger")[:2], ["delivery_done", "store_rejected"])
        rejected = history.filtered(lambda d: d.trigger == "store_rejected")
        self.assertIn("STA could not find 2 x [MUG] Stone Mug: Damaged (Anna)", rejected.explanation)
        free = self.env["oms.sellable.stock"]._get_on_hand_free(self.mug, self.store_a)
        self.assertEqual(free[(self.store_a.id, self.mug.id)], 2.0, "5 - 1 shipped - 2 damaged")
        self.assertEqual(
            store_order.step_ids.mapped("action")[:2], ["packed", "short_picked"]
        )

    def test_over_picking_and_foreign_lines_are_refused(self):
        _order, store_order = self._accepted([(self.mug, 1)])
        move = store_order.picking_id.move_ids
        answer = self._pos().pack(store_order.id, {move.id: 2})
        self.assertFalse(answer["ok"])
        self.assertIn("asks for 1 × [MUG] Stone Mug: you picked 2", answer["message"])
        other_order, other = self._accepted([(self.shirt, 1)])
        answer = self._pos().pack(store_order.id, {other.picking_id.move_ids.id: 1})
        self.assertFalse(answer["ok"])
        self.assertIn("not part of", answer["message"])
        self.assertEqual(store_order.picking_id.state, "assigned")

    def test_picking_needs_the_order_accepted_first(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        answer = self._pos().pack(store_order.id, self._pick_all(store_order))
        self.assertFalse(answer["ok"])
        self.assertEqual(answer["message"], f"Accept {order.name} before picking it.")

    def test_nothing_picked_is_a_reject(self):
        _order, store_order = self._accepted([(self.mug, 1)])
        answer = self._pos().pack(
            store_order.id, {store_order.picking_id.move_ids.id: 0}, reason_id=self.reason_other.id
        )
        self.assertFalse(answer["ok"])
        self.assertIn("reject", answer["message"])

    def test_click_and_collect_goes_to_the_pickup_shelf(self):
        order = self._pickup_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self._pos().accept(store_order.id)
        answer = self._pos().pack(store_order.id, self._pick_all(store_order))
        self.assertTrue(answer["ok"], answer)
        self.assertIn("is on the pickup shelf", answer["message"])
        self.assertEqual(store_order.state, "ready")
        self.assertEqual(store_order.picking_id.state, "assigned", "handed over later")
        self.assertTrue(store_order.picking_id.move_ids.picked)
        self.assertEqual(order.oms_decision_id.trigger, "store_ready")
        told = store_order.step_ids.filtered(lambda s: s.action == "notified")
        self.assertEqual(len(told), 1)
        self.assertIn("ready for pickup", told.note)
