# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment gate's doors as the wrong people, over JSON-RPC: only the sync service records
payment events, only customer service marks a payment refunded, the payment link opens
Odoo's payment page only untampered."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import tagged
from werkzeug.urls import url_parse


@tagged("post_install", "-at_install")
class TestAccessPayment(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a.write({"oms_channel_id": cls.channel.id, "oms_external_id": "pay-a"})
        cls.payment, _new = cls.order_a._oms_register_payment("bank", "late-1", 9.0)
        cls.payment.state = "refund_due"

    def _event(self):
        return {
            "channel": self.channel.code,
            "external_id": "pay-a",
            "reference": "evt-1",
            "amount": "9.00",
        }

    def test_only_the_sync_service_records_payment_events(self):
        for user in (self.manager, self.service, self.staff_a, self.employee, self.portal):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.intake", "apply_payments", [self._event()])
            self.assertEqual(caught.exception.name, ACCESS_ERROR, user.login)
        [result] = self.execute_kw(
            self.sync, self.api_key(self.sync), "oms.intake", "apply_payments", [self._event()]
        )
        self.assertEqual(result["status"], "applied")

    def test_only_customer_service_marks_a_payment_refunded(self):
        for user in (self.staff_a, self.employee, self.portal, self.sync):
            with self.assertRaises(RpcError, msg=user.login):
                self.call(user, "oms.payment", "action_oms_mark_refunded", [self.payment.id])
        self.assertEqual(self.payment.state, "refund_due")
        self.call(self.service, "oms.payment", "action_oms_mark_refunded", [self.payment.id])
        self.assertEqual(self.payment.state, "refunded")

    def test_nobody_writes_payments_by_hand(self):
        for user in (self.service, self.manager):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.payment", "write", [self.payment.id], {"amount": 1})
            self.assertEqual(caught.exception.name, ACCESS_ERROR)

    def test_the_payment_link_opens_odoos_payment_page_untampered(self):
        unknown = self.env.ref("payment.payment_method_unknown")
        self.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
                "payment_method_ids": [Command.set(unknown.ids)],
            }
        )
        unknown.active = True
        link = self.order_a._oms_payment_link(self.order_a.amount_total)
        parsed = url_parse(link)
        self.assertEqual(parsed.path, "/payment/pay")
        page = self.url_open(f"{parsed.path}?{parsed.query}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.order_a.name, page.text)
        self.assertNotIn("The provided parameters are invalid", page.text)
        tampered = parsed.query.replace(f"amount={self.order_a.amount_total}", "amount=0.01")
        page = self.url_open(f"{parsed.path}?{tampered}")
        self.assertIn("The provided parameters are invalid", page.text)
