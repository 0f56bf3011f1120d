# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A ship-from-store parcel's label at the till, in a real browser
(static/tests/tours/oms_store_label_tours.js): the store asks for it and sees it on its way;
once the carrier's answer is on the delivery, the till shows it ready, fills the tracking
number in and shows the PDF to print."""

import base64

from odoo.tests import tagged

from .tour_common import OmsStorePosTourCase

PDF = b"%PDF-1.4\n% a label\n"


@tagged("post_install", "-at_install")
class TestTourStoreLabel(OmsStorePosTourCase):
    def _accepted(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self.env["oms.store.pos"].with_user(self.staff_a).accept(store_order.id)
        return store_order

    def test_request_label(self):
        store_order = self._accepted()
        self.start_tour_in_pos("OmsStoreLabelRequestTour")
        request = self.env["oms.label.request"].search(
            [("picking_id", "=", store_order.picking_id.id)]
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.from_partner_id, self.store_a.partner_id)
        self.assertEqual(request.state, "requested")

    def test_print_label(self):
        store_order = self._accepted()
        label = self.env["oms.store.label"].with_user(self.staff_a)
        label.request_label(store_order.id)
        key = f"store-{store_order.picking_id.id}"
        self.env["oms.intake"].sudo()._apply_labels(
            [
                {
                    "key": key,
                    "status": "bought",
                    "tracking_number": "LBL-4242",
                    "carrier": "Parcel",
                    "label_pdf": base64.b64encode(PDF).decode(),
                }
            ]
        )
        self.start_tour_in_pos("OmsStoreLabelPrintTour")
        self.assertEqual(store_order.picking_id.carrier_tracking_ref, "LBL-4242")
