# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Prepayment: routed and reserved on arrival, the customer told how to pay, released to the
nodes - and confirmed to the customer - when the shop says it is paid."""

from freezegun import freeze_time
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OmsPaymentCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestPrepayment(OmsPaymentCase):
    def test_unpaid_prepayment_is_reserved_not_released(self):
        order = self._ingest(self._payload())
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.oms_payment_hold)
        self.assertEqual(order.oms_payment_method_id, self.bank_transfer)
        self.assertEqual(
            order.oms_payment_note, "Prepayment (Bank transfer (prepayment)): released when paid."
        )
        deliveries = self._deliveries(order)
        self.assertEqual(len(deliveries), 2)
        self.assertEqual(set(deliveries.mapped("state")), {"assigned"}, "stock stays reserved")
        self.assertEqual(self._reserved(self.shirt, self.north), 2)
        self.assertFalse(any(deliveries.mapped("oms_released")))
        self.assertIn("waits for the customer's payment", deliveries[0].oms_hold_reason)
        with self.assertRaises(UserError):
            self._ship(deliveries[0])
        # Told how to pay, not that the order is confirmed.
        self.assertFalse(self._messages(order, "confirmed"))
        self._send()
        [mail] = self._mails(order)
        self.assertEqual(
            self._words(mail.subject),
            self._words(f"Your order #2001: please pay {self._money(49.30)}"),
        )
        text = self._text(mail.body_html)
        self.assertIn(
            self._words(f"We send it as soon as your payment of {self._money(49.30)} has arrived."),
            text,
        )
        self.assertIn("We keep the items for you until Friday, December 11, 2026", text)
        self.assertIn(
            "Nordhafen GmbH, IBAN DE89 3704 0044 0532 0130 00, reference " + order.name, text
        )
        self.assertIn("/payment/pay?", mail.body_html)
        self.assertIn(f"sale_order_id={order.id}", mail.body_html)

    def test_paid_in_the_shop_releases_and_confirms(self):
        order = self._ingest(self._payload())
        self._send()
        self._ingest(
            self._payload(
                version=2,
                payment={
                    "status": "paid",
                    "method": "bank_transfer",
                    "amount": "49.30",
                    "reference": "tx-9",
                },
            )
        )
        self.assertFalse(order.oms_payment_hold)
        self.assertEqual(order.oms_amount_received, 49.30)
        deliveries = self._deliveries(order)
        self.assertTrue(all(deliveries.mapped("oms_released")))
        self.assertEqual(order.oms_payment_ids.mapped("source"), ["shop"])
        self._send()
        self.assertEqual(self._mails(order)[-1].subject, "Your order #2001 is confirmed")
        self._ship(deliveries[0])
        self.assertEqual(deliveries[0].state, "done")
        # The shop says it again: nothing more.
        self._ingest(
            self._payload(
                version=3,
                payment={
                    "status": "paid",
                    "method": "bank_transfer",
                    "amount": "49.30",
                    "reference": "tx-9",
                },
            )
        )
        self.assertEqual(len(order.oms_payment_ids), 1)
        self.assertEqual(len(self._messages(order, "confirmed")), 1)

    def test_card_paid_at_checkout_is_released_at_once(self):
        order = self._ingest(self._payload(method="card", status="pending"))
        self.assertFalse(order.oms_payment_hold)
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
        self.assertEqual(self._messages(order, "confirmed").state, "pending")
        self.assertFalse(self._messages(order, "payment_instructions"))

    def test_a_prepayment_already_paid_is_released(self):
        order = self._ingest(self._payload(status="paid"))
        self.assertFalse(order.oms_payment_hold)
        self.assertIn("Paid", order.oms_payment_note)

    def test_an_unknown_method_is_released_as_before(self):
        order = self._ingest(self._payload(method="crypto-beans"))
        self.assertFalse(order.oms_payment_hold)
        self.assertFalse(order.oms_payment_method_id)

    def test_invoice_within_its_limits(self):
        self.invoice.on_account_max_amount = 100
        # A first order: the customer must pay first.
        first = self._ingest(self._payload("3001", method="invoice"))
        self.assertTrue(first.oms_payment_hold)
        self.assertEqual(
            first.oms_payment_note,
            "Invoice is for returning customers: a first order is released when paid.",
        )
        first._oms_register_payment("bank", "stmt-1", first.amount_total)
        # Known now, and within the limit: released on account.
        second = self._ingest(self._payload("3002", method="invoice"))
        self.assertFalse(second.oms_payment_hold)
        self.assertEqual(second.oms_payment_note, "Invoice, paid later: released at once.")
        # Over the limit: paid first.
        big = self._ingest(
            self._payload(
                "3003",
                method="invoice",
                lines=[
                    {"external_id": "l1", "sku": "MSG-SHIRT", "quantity": 6, "unit_price": "19.90"}
                ],
            )
        )
        self.assertTrue(big.oms_payment_hold)
        self.assertIn("is for orders up to", big.oms_payment_note)

    def test_a_partial_payment_keeps_the_order_waiting(self):
        order = self._ingest(self._payload())
        order._oms_register_payment("bank", "part-1", 20.0)
        self.assertTrue(order.oms_payment_hold)
        self.assertIn(
            self._words(f"{self._money(29.30)} still due"),
            self._words(" ".join(order.message_ids.mapped(lambda m: self._text(m.body)))),
        )
        order._oms_register_payment("bank", "part-2", 29.30)
        self.assertFalse(order.oms_payment_hold)
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))

    def _money(self, amount):
        from odoo.tools import format_amount

        return format_amount(self.env, amount, self.company.currency_id)
