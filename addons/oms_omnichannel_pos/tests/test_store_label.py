# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A ship-from-store parcel's label through the POS doors: asked once through the core's
label requests, said in words while on its way or refused, and its PDF handed to the till
once the carrier sold it."""

import base64

from .common import OmsStoreCase

PDF = b"%PDF-1.4\n% a label\n"


class TestStoreLabel(OmsStoreCase):
    def setUp(self):
        super().setUp()
        self.order = self._web_order([(self.mug, 1)])
        self.store_order = self._store_order(self.order)
        self.pos = self.env["oms.store.pos"].with_user(self.staff_a)
        self.label = self.env["oms.store.label"].with_user(self.staff_a)

    def _carrier_answers(self, **answer):
        key = f"store-{self.store_order.picking_id.id}"
        self.env["oms.intake"].sudo()._apply_labels([{"key": key, **answer}])

    def test_label_asked_once_from_the_store_to_the_customer(self):
        self.pos.accept(self.store_order.id)
        self.assertEqual(self.label.label_status(self.store_order.id)["state"], "none")
        first = self.label.request_label(self.store_order.id)
        again = self.label.request_label(self.store_order.id)
        self.assertEqual((first["ok"], first["state"]), (True, "requested"))
        self.assertIn("is on its way from the carrier", first["message"])
        self.assertEqual(again, first)
        request = self.env["oms.label.request"].search(
            [("picking_id", "=", self.store_order.picking_id.id)]
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.from_partner_id, self.store_a.partner_id)
        self.assertEqual(request.to_partner_id, self.store_order.picking_id.partner_id)
        self.env.cr.flush()
        events = self.env["oms.outbox.event"].search(
            [("topic", "=", "label.requested"), ("res_id", "=", request.id)]
        )
        self.assertEqual(len(events), 1)
        self.assertFalse(self.label.label_pdf(self.store_order.id)["ok"])

    def test_bought_label_is_printable_with_its_tracking_number(self):
        self.pos.accept(self.store_order.id)
        self.label.request_label(self.store_order.id)
        self._carrier_answers(
            status="bought",
            tracking_number="LBL-1",
            carrier="Parcel",
            label_pdf=base64.b64encode(PDF).decode(),
        )
        status = self.label.label_status(self.store_order.id)
        self.assertEqual((status["state"], status["tracking"]), ("bought", "LBL-1"))
        self.assertIn("is ready: Parcel, tracking number LBL-1", status["message"])
        printed = self.label.label_pdf(self.store_order.id)
        self.assertTrue(printed["ok"])
        self.assertEqual(base64.b64decode(printed["pdf"]), PDF)
        self.assertEqual(self.store_order.picking_id.carrier_tracking_ref, "LBL-1")

    def test_refused_label_says_why(self):
        self.pos.accept(self.store_order.id)
        self.label.request_label(self.store_order.id)
        self._carrier_answers(status="failed", error="address not deliverable")
        status = self.label.label_status(self.store_order.id)
        self.assertEqual(status["state"], "failed")
        self.assertIn("The carrier sold no label", status["message"])
        self.assertIn("address not deliverable", status["message"])
        self.assertFalse(self.label.label_pdf(self.store_order.id)["ok"])

    def test_no_label_before_accepting_nor_for_a_pickup(self):
        answer = self.label.request_label(self.store_order.id)
        self.assertFalse(answer["ok"])
        self.assertIn("is not to prepare", answer["message"])
        pickup = self._store_order(self._pickup_order([(self.mug, 1)]))
        self.pos.accept(pickup.id)
        answer = self.label.request_label(pickup.id)
        self.assertFalse(answer["ok"])
        self.assertIn("needs no label", answer["message"])
        self.assertFalse(
            self.env["oms.label.request"].search(
                [("picking_id", "in", (self.store_order | pickup).picking_id.ids)]
            )
        )
