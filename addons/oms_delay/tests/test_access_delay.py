# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delay doors as the wrong people, over JSON-RPC: only customer service says a customer
caused a delay, compensations are read by customer service and written by nobody."""

from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAccessDelay(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        picking = cls.order_a.picking_ids[:1]
        cls.delay = cls.env["oms.delivery.delay"].create(
            {"picking_id": picking.id, "status": "late", "promised_date": "2026-12-03"}
        )
        cls.grant = cls.env["oms.compensation"].create(
            {
                "sale_order_id": cls.order_a.id,
                "partner_id": cls.order_a.partner_id.id,
                "kind": "voucher",
                "amount": 5,
                "currency_id": cls.order_a.currency_id.id,
            }
        )

    def test_only_customer_service_says_the_customer_caused_it(self):
        for user in (self.staff_a, self.employee, self.portal, self.sync):
            with self.assertRaises(RpcError, msg=user.login):
                self.call(user, "oms.delivery.delay", "action_oms_customer_caused", [self.delay.id])
        self.assertEqual(self.delay.cause, "unknown")
        self.call(self.service, "oms.delivery.delay", "action_oms_customer_caused", [self.delay.id])
        self.assertEqual(self.delay.cause, "customer")

    def test_store_staff_read_the_delays_of_their_stores_only(self):
        rows = self.call(self.staff_a, "oms.delivery.delay", "search_read", [], ["status"])
        self.assertEqual([row["id"] for row in rows], [self.delay.id])

    def test_compensations_are_customer_services_to_read_and_nobodys_to_write(self):
        rows = self.call(self.service, "oms.compensation", "search_read", [], ["amount"])
        self.assertIn(self.grant.id, [row["id"] for row in rows])
        for user in (self.staff_a, self.employee):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.compensation", "search_read", [], ["amount"])
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
        for user in (self.service, self.manager):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.compensation", "write", [self.grant.id], {"amount": 500})
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
