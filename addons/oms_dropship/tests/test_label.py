# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier asks for a label through the retailer's carrier (the core's label requests);
the sync service's answer puts the PDF and the tracking number on the delivery."""

import base64

from odoo.exceptions import UserError

from .common import OmsDropshipCase

PDF = b"%PDF-1.4 label"


class TestLabel(OmsDropshipCase):
    def _accepted(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        return delivery

    def test_request_label_once_with_its_event(self):
        delivery = self._accepted()
        self.assertEqual(delivery.label_state, "none")
        request = self.as_supplier(delivery, self.user_a)._oms_request_label()
        again = self.as_supplier(delivery, self.user_a)._oms_request_label()
        self.assertEqual(request, again)
        self.assertEqual(request.picking_id, delivery.picking_id)
        self.assertEqual(request.from_partner_id, self.supplier_a.partner_id)
        self.assertEqual(request.to_partner_id, delivery.picking_id.partner_id)
        events = self._events("label.requested", request)
        self.assertEqual(len(events), 1)
        self.assertEqual(delivery.label_state, "requested")

    def test_bought_label_gives_tracking_and_pdf(self):
        delivery = self._accepted()
        request = self.as_supplier(delivery, self.user_a)._oms_request_label()
        self.env["oms.intake"].sudo()._apply_labels(
            [
                {
                    "key": request.key,
                    "status": "bought",
                    "tracking_number": "LBL-777",
                    "carrier": "Parcel",
                    "label_pdf": base64.b64encode(PDF).decode(),
                }
            ]
        )
        self.assertEqual(delivery.label_state, "bought")
        self.assertEqual(delivery.tracking_ref, "LBL-777")
        self.assertEqual(delivery._oms_label_attachment().raw, PDF)
        self.assertEqual(delivery.state, "accepted")

    def test_label_only_once_accepted(self):
        order = self._web_order([(self.lamp, 1)])
        with self.assertRaisesRegex(UserError, 'its status is "Waiting for your answer"'):
            self.as_supplier(self._dropship(order), self.user_a)._oms_request_label()
        self.assertFalse(
            self.env["oms.label.request"].search([("picking_id", "in", order.picking_ids.ids)])
        )
