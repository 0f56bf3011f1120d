import base64

from odoo.tests import tagged

from .common import OmsReturnCase

PDF = base64.b64encode(b"%PDF-1.4 return label").decode()


@tagged("post_install", "-at_install")
class TestReturnLabels(OmsReturnCase):
    def setUp(self):
        super().setUp()
        order = self._delivered_order()
        self.ret = self._return(order, {self.shirt: 1})
        self.label = self.ret.label_ids
        self.intake = self.env["oms.intake"].sudo()

    def _bought(self, **extra):
        return {
            "key": self.label.key,
            "status": "bought",
            "tracking_number": "EZ1000000001",
            "carrier": "USPS",
            "label_pdf": PDF,
            "cost": "5.20",
            "currency": "EUR",
            **extra,
        }

    def test_the_label_lands_on_the_parcel_once_and_its_tracking_is_followed(self):
        [result] = self.intake.apply_labels([self._bought()])
        self.assertEqual(result["status"], "updated", result)
        receipt = self.label.picking_id
        self.assertEqual(receipt.carrier_tracking_ref, "EZ1000000001")
        self.assertEqual(self.label.state, "bought")
        self.assertEqual(self.label.label_attachment_id.raw, b"%PDF-1.4 return label")
        # The customer gets it by e-mail from the return.
        mail = self.ret.message_ids.filtered(
            lambda m: self.label.label_attachment_id in m.attachment_ids
        )
        self.assertIn(self.customer, mail.partner_ids)
        [again] = self.intake.apply_labels([self._bought(tracking_number="OTHER")])
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(receipt.carrier_tracking_ref, "EZ1000000001")
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", receipt.id)]
            ),
            1,
        )
        # The return parcel is tracked like any other.
        [scan] = self.intake.apply_tracking(
            [
                {
                    "carrier": "usps",
                    "tracking_number": "EZ1000000001",
                    "status": "in_transit",
                    "event_id": "ez:1",
                    "occurred_at": "2026-12-01T12:00:00Z",
                }
            ]
        )
        self.assertEqual(scan["status"], "updated")
        self.assertEqual(receipt.oms_tracking_status, "in_transit")

    def test_no_label_asks_a_person(self):
        [result] = self.intake.apply_labels(
            [{"key": self.label.key, "status": "failed", "error": "Address not found"}]
        )
        self.assertEqual(result["status"], "updated")
        self.assertEqual(self.label.state, "failed")
        self.assertIn("Address not found", self.label.picking_id.activity_ids.note)

    def test_bad_labels_are_refused_with_the_field(self):
        [unknown, not_pdf, no_number] = self.intake.apply_labels(
            [
                {"key": "nope", "status": "bought", "tracking_number": "X"},
                self._bought(label_pdf=base64.b64encode(b"<html>").decode()),
                self._bought(tracking_number=""),
            ]
        )
        self.assertEqual(unknown["error"]["code"], "unknown_label")
        self.assertEqual(not_pdf["error"]["field"], "label_pdf")
        self.assertEqual(no_number["error"]["field"], "tracking_number")
        self.assertEqual(self.label.state, "requested")
