# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``sale.order._oms_request_refund``: money back through the channel, at what was paid."""

from odoo import Command
from odoo.exceptions import UserError

from .test_intake_common import OmsIntakeCommon


class TestRefundRequest(OmsIntakeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A tax the shop's price excludes: the customer paid it on top.
        cls.vat = cls.env["account.tax"].create(
            {"name": "VAT 19% (test)", "amount": 19.0, "amount_type": "percent"}
        )
        cls.product_a.taxes_id = [Command.set(cls.vat.ids)]
        cls.product_b.taxes_id = [Command.set(cls.vat.ids)]
        # The shop's shipping price carries no tax here: 4.90 paid is 4.90 refundable.
        cls.env["oms.intake"]._shipping_product(cls.company).taxes_id = False
        # The list price is not what the shop charged: the refund must never use it.
        cls.product_a.list_price = 99.0

    def setUp(self):
        super().setUp()
        [result] = self._ingest(self._payload("3001"))
        self.assertEqual(result["status"], "created", result)
        self.order = self._orders("3001")
        self.line_a = self.order.order_line.filtered(lambda ol: ol.oms_external_line_id == "li-1")
        self.line_b = self.order.order_line.filtered(lambda ol: ol.oms_external_line_id == "li-2")

    def test_amounts_are_what_the_customer_paid(self):
        request = self.order._oms_request_refund(
            [(self.line_a, 1), (self.line_b, 1)], shipping=4.90, reason="Changed their mind"
        )
        line_a = request.line_ids.filtered(lambda line: line.sale_line_id == self.line_a)
        line_b = request.line_ids.filtered(lambda line: line.sale_line_id == self.line_b)
        # 19.90 + 19 % tax; 5.00 less 10 % + 19 % tax; shipping as charged.
        self.assertEqual((line_a.amount_untaxed, line_a.amount), (19.90, 23.68))
        self.assertEqual((line_b.amount_untaxed, line_b.amount), (4.50, 5.36))
        self.assertEqual(request.shipping_amount, 4.90)
        self.assertAlmostEqual(request.amount_total, 23.68 + 5.36 + 4.90, places=2)
        self.assertEqual(request.state, "requested")
        self.assertEqual(request.channel_id, self.channel)
        self.assertIn("Refund of", self.order.message_ids[0].body)

    def test_outbox_event_once_per_key(self):
        cursor = self._events()[-1:].id or 0
        first = self.order._oms_request_refund([(self.line_a, 2)], reason="Out of stock", key="k-1")
        again = self.order._oms_request_refund([(self.line_a, 2)], reason="Out of stock", key="k-1")
        self.assertEqual(first, again)
        [event] = self._events("refund.requested").filtered(lambda e: e.id > cursor)
        self.assertEqual((event.channel_code, event.res_id), (self.channel.code, first.id))
        payload = event.payload
        self.assertEqual(payload["key"], "k-1")
        self.assertEqual(payload["external_id"], "3001")
        self.assertEqual(payload["amount"], "47.36")
        self.assertEqual(payload["shipping"], "0.00")
        self.assertEqual(payload["note"], "Out of stock [oms-refund:k-1]")
        self.assertEqual(
            payload["lines"],
            [
                {
                    "external_line_id": "li-1",
                    "sku": "OMS-TEST-A",
                    "quantity": 2.0,
                    "amount": "47.36",
                    "amount_untaxed": "39.80",
                    "restock_type": "cancel",
                }
            ],
        )
        # Asking again in a later transaction asks the shop for nothing more.
        self.order._oms_request_refund([(self.line_a, 2)], key="k-1")
        self.assertEqual(len(self._events("refund.requested").filtered(lambda e: e.id > cursor)), 1)

    def test_a_key_belongs_to_one_order(self):
        self.order._oms_request_refund([(self.line_a, 1)], key="k-2")
        [result] = self._ingest(self._payload("3002"))
        other = self.env["sale.order"].browse(result["order_id"])
        with self.assertRaisesRegex(UserError, "already used"):
            other._oms_request_refund([(other.order_line[:1], 1)], key="k-2")
        with self.assertRaisesRegex(UserError, "refund key"):
            self.order._oms_request_refund([(self.line_a, 1)], key="no spaces allowed")

    def test_bad_quantities_and_shipping_are_refused(self):
        with self.assertRaisesRegex(UserError, "must be positive"):
            self.order._oms_request_refund([(self.line_a, -1)])
        with self.assertRaisesRegex(UserError, "Only 2 Units"):
            self.order._oms_request_refund([(self.line_a, 3)])
        with self.assertRaisesRegex(UserError, "between"):
            self.order._oms_request_refund([], shipping=5.0)
        with self.assertRaisesRegex(UserError, "Nothing to refund"):
            self.order._oms_request_refund([])
        with self.assertRaisesRegex(UserError, "no line of"):
            [result] = self._ingest(self._payload("3003"))
            foreign = self.env["sale.order"].browse(result["order_id"]).order_line[:1]
            self.order._oms_request_refund([(foreign, 1)])
        self.assertFalse(self.order.oms_refund_request_ids)

    def test_units_kept_by_the_customer_count_as_refunded(self):
        self.order._oms_request_refund([(self.line_a, 1)], restock_type="no_restock")
        self.assertEqual(self.line_a._oms_refundable_quantity(), 1.0)
        with self.assertRaisesRegex(UserError, "Only 1 Units"):
            self.order._oms_request_refund([(self.line_a, 2)], restock_type="return")
        self.order._oms_request_refund([], shipping=4.90)
        self.assertEqual(self.order._oms_shipping_refundable(), 0.0)

    def test_credit_note_matches_the_request(self):
        self.order._create_invoices().action_post()
        request = self.order._oms_request_refund([(self.line_a, 1)], shipping=4.90)
        credit_note = request.credit_note_id
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "draft"))
        self.assertAlmostEqual(credit_note.amount_total, request.amount_total, places=2)
        self.assertIn("Draft credit note", self.order.message_ids[0].body)

    def test_back_office_order_is_paid_back_by_hand(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Walk-in"}).id,
                "order_line": [Command.create({"product_id": self.product_a.id, "price_unit": 10})],
            }
        )
        order.action_confirm()
        cursor = self._events()[-1:].id or 0
        request = order._oms_request_refund([(order.order_line, 1)])
        self.assertEqual(request.state, "manual")
        self.assertFalse(self._events("refund.requested").filtered(lambda e: e.id > cursor))
        self.assertTrue(order.activity_ids.filtered(lambda a: "Pay back" in (a.summary or "")))

    def test_the_shops_refund_confirms_and_reduces_nothing_twice(self):
        request = self.order._oms_request_refund([(self.line_a, 1)], reason="Late", key="k-3")
        # The cancellation that asked for the refund takes the unit off the line.
        self.env["oms.intake"]._write_line_quantity(self.line_a, 1.0)
        shop_refund = {
            "channel": self.channel.code,
            "external_id": "3001",
            "refund_id": "sr-3",
            "created_at": "2026-11-27T08:00:00Z",
            "currency": self.company.currency_id.name,
            "amount": "23.68",
            "note": request._oms_shop_note(),
            "lines": [
                {"external_id": "li-1", "quantity": 1, "amount": "19.90", "restock_type": "cancel"}
            ],
        }
        [result] = self.intake.apply_refunds([shop_refund])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self.line_a.product_uom_qty, 1.0, "reduced once, by the request")
        self.assertEqual(request.state, "refunded")
        self.assertEqual(request.shop_refund_id.id, result["record_id"])
        self.assertFalse(self.order.activity_ids, "nothing for a person to reduce")
        [again] = self.intake.apply_refunds([shop_refund])
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        # A shop refund of its own (no key) still reduces the order, as before.
        own = dict(shop_refund, refund_id="sr-4", note="Goodwill")
        [result] = self.intake.apply_refunds([own])
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self.line_a.product_uom_qty, 0.0)
