# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .test_intake_common import OmsIntakeCommon


class TestRefundIntake(OmsIntakeCommon):
    """``oms.intake.apply_refunds``: refunds made in the shop, recorded on their orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration_user = new_test_user(
            cls.env,
            login="oms-sync-refund-test",
            groups="base.group_user,oms_omnichannel.group_oms_integration",
        )
        cls.plain_user = new_test_user(
            cls.env, login="oms-plain-refund-test", groups="base.group_user"
        )

    def setUp(self):
        super().setUp()
        [result] = self._ingest(self._payload("2001"))
        self.assertEqual(result["status"], "created", result)
        self.order = self._orders("2001")
        self.line_a = self.order.order_line.filtered(lambda ol: ol.oms_external_line_id == "li-1")
        self.line_b = self.order.order_line.filtered(lambda ol: ol.oms_external_line_id == "li-2")

    def _refund(self, refund_id="r-1", lines=None, external_id="2001", **overrides):
        refund = {
            "channel": self.channel.code,
            "external_id": external_id,
            "refund_id": refund_id,
            "created_at": "2026-11-27T08:00:00Z",
            "currency": self.company.currency_id.name,
            "amount": "19.90",
            "note": "Customer changed their mind",
            "lines": lines
            if lines is not None
            else [
                {"external_id": "li-1", "quantity": 1, "amount": "19.90", "restock_type": "cancel"}
            ],
        }
        refund.update(overrides)
        return refund

    def _open_qty(self, line):
        moves = line.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.location_dest_id.usage == "customer"
        )
        return sum(moves.mapped("product_uom_qty"))

    def _incoming(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")

    def test_cancel_before_shipping_shrinks_the_open_delivery_once(self):
        self.assertEqual(self._open_qty(self.line_a), 2.0)
        [first] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(first["status"], "created", first)
        self.assertEqual((first["order_id"], first["order_name"]), (self.order.id, self.order.name))
        self.assertEqual(first["refund_id"], "r-1")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        self.assertEqual(self._open_qty(self.line_a), 1.0)
        self.assertFalse(self._incoming(self.order), "no return receipt for unshipped units")
        refund = self.env["oms.order.refund"].browse(first["record_id"])
        self.assertEqual(refund.sale_order_id, self.order)
        self.assertEqual(refund.amount_total, 19.9)
        self.assertEqual(str(refund.refunded_at), "2026-11-27 08:00:00")
        self.assertEqual(refund.line_ids.product_id, self.product_a)
        self.assertEqual(
            (refund.line_ids.cancelled_quantity, refund.line_ids.return_quantity), (1.0, 0.0)
        )
        self.assertEqual(self.order.oms_refund_count, 1)
        self.assertIn("Refund r-1", self.order.message_ids[:3].mapped("body")[0])
        # Redelivered by the shop, retried by the worker: nothing happens twice.
        [again] = self.intake.apply_refunds([self._refund()])
        self.assertEqual((again["status"], again["record_id"]), ("unchanged", refund.id))
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        self.assertEqual(self._open_qty(self.line_a), 1.0)
        self.assertEqual(
            self.env["oms.order.refund"].search_count([("sale_order_id", "=", self.order.id)]), 1
        )

    def test_cancelling_a_whole_line_cancels_its_move(self):
        lines = [{"external_id": "li-2", "quantity": 1, "amount": "4.50", "restock_type": "cancel"}]
        [result] = self.intake.apply_refunds([self._refund(lines=lines)])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self.line_b.product_uom_qty, 0.0)
        self.assertEqual(self._open_qty(self.line_b), 0.0)
        self.assertEqual(set(self.line_b.move_ids.mapped("state")), {"cancel"})
        self.assertEqual(self._open_qty(self.line_a), 2.0, "the other line is untouched")

    def test_cancel_after_shipping_never_touches_done_moves(self):
        self._ship(self.order)
        done = self.line_a.move_ids.filtered(lambda m: m.state == "done")
        self.assertEqual(sum(done.mapped("quantity")), 2.0)
        [result] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(done.mapped("state"), ["done"])
        self.assertEqual(sum(done.mapped("quantity")), 2.0)
        self.assertEqual(self.line_a.product_uom_qty, 2.0)
        line = self.env["oms.order.refund"].browse(result["record_id"]).line_ids
        self.assertEqual((line.cancelled_quantity, line.return_quantity), (0.0, 1.0))
        activity = self.order.activity_ids.filtered(lambda a: "Return expected" in a.summary)
        self.assertEqual(len(activity), 1)

    def test_return_announces_the_return_to_customer_service(self):
        self._ship(self.order)
        lines = [
            {"external_id": "li-1", "quantity": 2, "amount": "39.80", "restock_type": "return"}
        ]
        [result] = self.intake.apply_refunds([self._refund(lines=lines, amount="39.80")])
        self.assertEqual(result["status"], "created", result)
        refund = self.env["oms.order.refund"].browse(result["record_id"])
        self.assertEqual((refund.return_quantity, refund.cancelled_quantity), (2.0, 0.0))
        [activity] = self.order.activity_ids.filtered(lambda a: "Return expected" in a.summary)
        self.assertIn(self.product_a.display_name, activity.note)
        self.assertIn("2 expected back", self.order.message_ids[0].body)

    def test_no_restock_changes_no_quantity(self):
        lines = [
            {"external_id": "li-1", "quantity": 1, "amount": "5.00", "restock_type": "no_restock"}
        ]
        [result] = self.intake.apply_refunds([self._refund(lines=lines, amount="5.00")])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self.line_a.product_uom_qty, 2.0)
        self.assertEqual(self._open_qty(self.line_a), 2.0)
        self.assertFalse(self.order.activity_ids.filtered(lambda a: "Return" in a.summary))

    def test_refund_of_a_cancelled_order_is_recorded_only(self):
        self._ingest(self._payload("2001", version=2, status="cancelled"))
        self.assertEqual(self.order.state, "cancel")
        [result] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        line = self.env["oms.order.refund"].browse(result["record_id"]).line_ids
        self.assertEqual((line.cancelled_quantity, line.return_quantity), (0.0, 0.0))
        self.assertEqual(self.line_a.product_uom_qty, 2.0)
        self.assertFalse(self.order.activity_ids.filtered(lambda a: "Return" in a.summary))

    def test_undelivered_units_without_an_open_delivery_come_off_the_line(self):
        self.order.picking_ids.action_cancel()
        [result] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        line = self.env["oms.order.refund"].browse(result["record_id"]).line_ids
        self.assertEqual((line.cancelled_quantity, line.return_quantity), (1.0, 0.0))
        self.assertFalse(self._incoming(self.order))

    def test_amount_only_refund_is_recorded(self):
        [result] = self.intake.apply_refunds([self._refund(lines=[], amount="4.90")])
        self.assertEqual(result["status"], "created", result)
        refund = self.env["oms.order.refund"].browse(result["record_id"])
        self.assertEqual((refund.amount_total, len(refund.line_ids)), (4.9, 0))

    def test_errors_come_back_per_item_and_the_batch_goes_on(self):
        results = self.intake.apply_refunds(
            [
                self._refund("r-unknown-order", external_id="9999"),
                self._refund("r-unknown-line", lines=[{"external_id": "li-9", "quantity": 1}]),
                self._refund("r-bad", lines=[{"external_id": "li-1", "quantity": "many"}]),
                self._refund("r-bad-type", lines=[{"external_id": "li-1", "restock_type": "x"}]),
                self._refund("", lines=[]),
                "not a refund",
                self._refund("r-ok"),
            ]
        )
        self.assertEqual(
            [(r["status"], r["error"] and r["error"]["code"]) for r in results],
            [
                ("error", "unknown_order"),
                ("error", "unknown_line"),
                ("error", "invalid_payload"),
                ("error", "invalid_payload"),
                ("error", "invalid_payload"),
                ("error", "invalid_payload"),
                ("created", None),
            ],
        )
        self.assertEqual(results[2]["error"]["field"], "lines[0].quantity")
        self.assertEqual(results[3]["error"]["field"], "lines[0].restock_type")
        self.assertEqual(
            self.env["oms.order.refund"]
            .search([("sale_order_id", "=", self.order.id)])
            .mapped("external_refund_id"),
            ["r-ok"],
        )
        self.assertEqual(self.line_a.product_uom_qty, 1.0, "only the good refund applied")

    def test_refund_before_its_order_is_applied_once_the_order_exists(self):
        early = self._refund("r-early", external_id="2002")
        [result] = self.intake.apply_refunds([early])
        self.assertEqual(result["error"]["code"], "unknown_order")
        self.assertFalse(
            self.env["oms.order.refund"].search([("external_refund_id", "=", "r-early")])
        )
        self._ingest(self._payload("2002"))
        [retried] = self.intake.apply_refunds([early])
        self.assertEqual(retried["status"], "created", retried)
        self.assertEqual(retried["order_id"], self._orders("2002").id)

    def test_invoiced_order_gets_a_draft_credit_note(self):
        self._ship(self.order)
        invoice = self.order._create_invoices()
        invoice.action_post()
        self.assertEqual(self.line_a.qty_invoiced, 2.0)
        lines = [
            {"external_id": "li-1", "quantity": 1, "amount": "19.90", "restock_type": "return"}
        ]
        [result] = self.intake.apply_refunds([self._refund(lines=lines)])
        refund = self.env["oms.order.refund"].browse(result["record_id"])
        credit = refund.credit_note_id
        self.assertEqual((credit.move_type, credit.state), ("out_refund", "draft"))
        self.assertEqual(credit.reversed_entry_id, invoice)
        [credit_line] = credit.invoice_line_ids
        self.assertEqual((credit_line.product_id, credit_line.quantity), (self.product_a, 1.0))
        self.assertEqual(credit_line.price_unit, self.line_a.price_unit)
        self.assertEqual(credit_line.sale_line_ids, self.line_a)
        self.assertEqual(self.line_a.qty_invoiced, 1.0)
        self.assertIn(credit.display_name, self.order.message_ids[0].body)

    def test_order_not_invoiced_gets_no_credit_note(self):
        [result] = self.intake.apply_refunds([self._refund()])
        refund = self.env["oms.order.refund"].browse(result["record_id"])
        self.assertFalse(refund.credit_note_id)
        self.assertFalse(self.order.invoice_ids)

    def test_printed_delivery_is_left_to_a_person(self):
        picking = self.order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        picking.printed = True
        [result] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self._open_qty(self.line_a), 2.0)
        self.assertEqual(self.line_a.product_uom_qty, 2.0)
        self.assertFalse(self._incoming(self.order))
        self.assertTrue(
            self.order.activity_ids.filtered(lambda a: "Reduce the delivery" in a.summary)
        )
        line = self.env["oms.order.refund"].browse(result["record_id"]).line_ids
        self.assertEqual(line.cancelled_quantity, 0.0)

    def test_locked_order_is_reduced_and_stays_locked(self):
        self.order.action_lock()
        [result] = self.intake.apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self._open_qty(self.line_a), 1.0)
        self.assertTrue(self.order.locked)

    def test_integration_user_applies_refunds_a_plain_user_cannot(self):
        env = self.env(user=self.integration_user)
        [result] = env["oms.intake"].apply_refunds([self._refund()])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self._open_qty(self.line_a), 1.0)
        with self.assertRaises(AccessError):
            self.env(user=self.plain_user)["oms.intake"].apply_refunds([self._refund("r-2")])

    def test_integration_user_refunds_an_invoiced_order(self):
        """The sync service's user is no accountant: the credit note is still made."""
        self._ship(self.order)
        self.order._create_invoices().action_post()
        env = self.env(user=self.integration_user)
        lines = [
            {"external_id": "li-1", "quantity": 1, "amount": "19.90", "restock_type": "return"}
        ]
        [result] = env["oms.intake"].apply_refunds([self._refund(lines=lines)])
        self.assertEqual(result["status"], "created", result)
        refund = self.env["oms.order.refund"].browse(result["record_id"])
        self.assertEqual(refund.credit_note_id.move_type, "out_refund")
        self.assertEqual(refund.credit_note_id.invoice_line_ids.quantity, 1.0)
