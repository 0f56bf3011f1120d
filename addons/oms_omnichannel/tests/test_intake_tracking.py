# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .test_intake_common import OmsIntakeCommon


class TestIntakeTracking(OmsIntakeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.intake.ingest_orders([cls._payload(cls)])
        cls.order = cls.env["sale.order"].search([("oms_external_id", "=", "1001")])
        cls.picking = cls.order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        cls.picking.carrier_tracking_ref = "JD014600006381"

    def _event(self, status, seq, number="JD014600006381"):
        return {
            "carrier": "dhl",
            "tracking_number": number,
            "status": status,
            "occurred_at": f"2026-11-26T10:{seq:02d}:00Z",
            "event_id": f"dhl:{number}:{seq}",
            "location": "Leipzig",
            "message": f"scan {seq}",
        }

    def test_status_only_moves_forward(self):
        results = self.intake.apply_tracking(
            [
                self._event("in_transit", 2),
                self._event("pre_transit", 1),  # late scan: stale
                self._event("in_transit", 2),  # redelivery: unchanged
                self._event("out_for_delivery", 3),
                self._event("unknown", 4),
            ]
        )
        self.assertEqual(
            [r["status"] for r in results],
            ["updated", "stale", "unchanged", "updated", "unchanged"],
        )
        self.assertEqual({r["picking_id"] for r in results}, {self.picking.id})
        self.assertEqual(self.picking.oms_tracking_status, "out_for_delivery")
        self.assertEqual(self.picking.oms_tracking_message, "scan 3")
        self.assertEqual(str(self.picking.oms_tracking_date), "2026-11-26 10:03:00")
        [delivered] = self.intake.apply_tracking([self._event("delivered", 5)])
        self.assertEqual(delivered["status"], "updated")
        [late] = self.intake.apply_tracking([self._event("in_transit", 6)])
        self.assertEqual(late["status"], "stale")
        self.assertEqual(self.picking.oms_tracking_status, "delivered")

    def test_a_parcel_in_trouble_moves_on_when_the_carrier_recovers_it(self):
        results = self.intake.apply_tracking(
            [
                self._event("out_for_delivery", 2),
                self._event("failure", 3),  # nobody at home: trouble is news at any stage
                self._event("in_transit", 1),  # a late scan from before the attempt: stale
                self._event("delivered", 4),  # the second attempt
            ]
        )
        self.assertEqual([r["status"] for r in results], ["updated", "updated", "stale", "updated"])
        self.assertEqual(self.picking.oms_tracking_status, "delivered")
        # Trouble reported after the delivery does not undo it; a return does follow it.
        [late] = self.intake.apply_tracking([self._event("exception", 5)])
        self.assertEqual(late["status"], "stale")
        [back] = self.intake.apply_tracking([self._event("return_to_sender", 6)])
        self.assertEqual(back["status"], "updated")
        self.assertEqual(self.picking.oms_tracking_status, "return_to_sender")

    def test_errors_do_not_fail_the_batch(self):
        bad_status = self._event("teleported", 7)
        results = self.intake.apply_tracking(
            [self._event("in_transit", 1, number="NOPE"), bad_status, self._event("in_transit", 2)]
        )
        self.assertEqual(
            [(r["status"], r["error"] and r["error"]["code"]) for r in results],
            [("error", "unknown_tracking"), ("error", "invalid_payload"), ("updated", None)],
        )
        self.assertEqual(self.picking.oms_tracking_status, "in_transit")
