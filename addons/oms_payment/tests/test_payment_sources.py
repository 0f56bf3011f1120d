# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Money heard of from every source - the shop's payment events, Odoo's payment portal, the
bank - releases the order once; heard again it changes nothing; for a cancelled order it is
kept for a refund, never lost."""

from unittest.mock import patch

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.tests import tagged

from .common import OmsPaymentCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestPaymentSources(OmsPaymentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's payments and the bank need the company's accounts.
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )

    def _event(self, order, reference="evt-1", amount=None, **extra):
        return {
            "channel": self.channel.code,
            "external_id": order.oms_external_id,
            "reference": reference,
            "amount": amount or str(order.amount_total),
            "currency": order.currency_id.name,
            "occurred_at": "2026-12-01T10:00:00Z",
            **extra,
        }

    def test_a_payment_event_of_the_sync_service(self):
        order = self._ingest(self._payload())
        [result] = self.intake.apply_payments([self._event(order)])
        self.assertEqual((result["status"], result["order_id"]), ("applied", order.id))
        self.assertFalse(order.oms_payment_hold)
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
        # Redelivered: nothing changes.
        [again] = self.intake.apply_payments([self._event(order)])
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(len(order.oms_payment_ids), 1)
        self.assertEqual(len(self._messages(order, "confirmed")), 1)

    def test_bad_payment_events_say_why_and_spoil_nothing(self):
        order = self._ingest(self._payload())
        results = self.intake.apply_payments(
            [
                self._event(order, channel="nope"),
                self._event(order, external_id="no-such-order"),
                self._event(order, amount="lots"),
                self._event(order, amount="-1"),
                self._event(order, reference=""),
                self._event(order, currency="JPY"),
                "not a payment",
                self._event(order, reference="good"),
            ]
        )
        self.assertEqual(
            [r["error"] and r["error"]["code"] for r in results],
            ["unknown_channel", "unknown_order"] + ["invalid_payload"] * 5 + [None],
        )
        self.assertEqual(results[-1]["status"], "applied")
        self.assertEqual(order.oms_payment_ids.mapped("reference"), ["good"])

    def test_a_payment_that_breaks_loses_no_other(self):
        order = self._ingest(self._payload())
        register = type(order)._oms_register_payment

        def breaks_once(record, source, reference, *args):
            if reference == "boom":
                raise ValueError("the bank's file is broken")
            return register(record, source, reference, *args)

        with (
            patch.object(type(order), "_oms_register_payment", breaks_once),
            self.assertLogs("odoo.addons.oms_omnichannel.models.oms_intake", "ERROR"),
        ):
            results = self.intake.apply_payments(
                [self._event(order, reference="boom"), self._event(order, reference="good")]
            )
        self.assertEqual(
            [(r["status"], r["error"] and r["error"]["code"]) for r in results],
            [("error", "internal_error"), ("applied", None)],
        )
        self.assertEqual(results[0]["reference"], "boom")
        self.assertEqual(order.oms_payment_ids.mapped("reference"), ["good"])

    def test_a_payment_after_the_cancellation_is_kept_for_a_refund(self):
        order = self._ingest(self._payload())
        order._oms_cancel_unpaid()
        [result] = self.intake.apply_payments([self._event(order, reference="too-late")])
        self.assertEqual(result["status"], "refund_due")
        payment = order.oms_payment_ids
        self.assertEqual(payment.state, "refund_due")
        self.assertEqual(order.oms_amount_received, 0.0, "not counted as paid")
        activity = order.activity_ids.filtered(
            lambda a: a.summary == "Refund a payment for a cancelled order"
        )
        self.assertTrue(activity, "customer service is asked to pay it back")
        self.assertEqual(order.state, "cancel", "a late payment does not revive the order")
        # The shop's own update saying "paid" for it is the same money, recorded once more
        # only under its own reference.
        [again] = self.intake.apply_payments([self._event(order, reference="too-late")])
        self.assertEqual(again["status"], "unchanged")
        payment.action_oms_mark_refunded()
        self.assertEqual(payment.state, "refunded")

    def test_paid_through_odoos_payment_portal(self):
        order = self._ingest(self._payload())
        self._send()
        unknown = self.env.ref("payment.payment_method_unknown").with_context(active_test=False)
        provider = self.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
                "company_id": self.company.id,
                "payment_method_ids": [Command.set(unknown.ids)],
            }
        )
        unknown.active = True
        # Odoo books the transaction as a payment in the provider's journal: a provider
        # without code ("none") needs a payment method there, as Odoo's own tests give it.
        Method = self.env.registry["account.payment.method"]
        known = Method._get_payment_method_information

        def with_none(*args, **kwargs):
            return dict(known(*args, **kwargs), none={"mode": "electronic", "type": ("bank",)})

        with patch.object(Method, "_get_payment_method_information", with_none):
            self.env["account.payment.method"].create(
                {"name": "Test provider", "code": "none", "payment_type": "inbound"}
            )
            provider.journal_id = self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
            )
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": unknown.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_invoice_id.id,
                "reference": "TX-OMS-1",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        tx._set_done()
        tx._post_process()
        self.assertFalse(order.oms_payment_hold)
        self.assertEqual(order.oms_payment_ids.mapped("source"), ["odoo"])
        tx._post_process()
        self.assertEqual(len(order.oms_payment_ids), 1)
        self._send()
        # How to pay, then confirmed; Odoo's own "payment received" e-mail is left to the
        # OMS's confirmation.
        self.assertEqual(
            [self._words(s) for s in self._mails(order).mapped("subject")],
            [
                self._words(
                    f"Your order #2001: please pay {order.currency_id.format(order.amount_total)}"
                ),
                "Your order #2001 is confirmed",
            ],
        )

    def test_paid_by_bank_against_the_invoice(self):
        order = self._ingest(self._payload())
        invoice = order._create_invoices()
        invoice.action_post()
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "journal_id": bank.id,
                "payment_method_line_id": bank.inbound_payment_method_line_ids[:1].id,
            }
        )._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.oms_payment_ids.source, "bank")
        self.assertFalse(order.oms_payment_hold)
        self.assertTrue(all(self._deliveries(order).mapped("oms_released")))
