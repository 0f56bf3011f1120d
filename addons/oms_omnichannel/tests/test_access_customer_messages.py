# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The doors of the customer messages, tried as the wrong people over JSON-RPC: nobody sends
one by RPC, only customer service and managers read them, and the channel's logo route gives
the logo and nothing else."""

import base64

from odoo.tests import tagged

from .access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from .customer_message_common import PIXEL


@tagged("post_install", "-at_install")
class TestAccessCustomerMessages(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a.oms_channel_id = cls.channel
        cls.message = cls.order_a._oms_notify_customer("delayed", key="late")

    def test_nobody_sends_a_customer_message_over_rpc(self):
        for user in (self.manager, self.service, self.staff_a, self.employee):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "sale.order", "_oms_notify_customer", [self.order_a.id], "delayed")
            self.assertIn("Private methods", caught.exception.message)

    def test_only_customer_service_and_managers_read_them(self):
        for user in (self.service, self.manager):
            rows = self.call(user, "oms.customer.message", "search_read", [], ["event"])
            self.assertIn(self.message.id, [row["id"] for row in rows], user.login)
        for user in (self.staff_a, self.employee, self.portal):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.customer.message", "search_read", [], ["event"])
            self.assertEqual(caught.exception.name, ACCESS_ERROR)

    def test_nobody_writes_them(self):
        for user in (self.service, self.manager):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(
                    user, "oms.customer.message", "write", [self.message.id], {"state": "pending"}
                )
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
            with self.assertRaises(RpcError, msg=user.login):
                self.call(
                    user,
                    "oms.customer.message",
                    "create",
                    {
                        "order_id": self.order_a.id,
                        "partner_id": self.order_a.partner_id.id,
                        "event": "delayed",
                    },
                )

    def test_the_logo_route_gives_the_logo_and_nothing_else(self):
        self.channel.logo = PIXEL
        reply = self.url_open(f"/oms/channel/{self.channel.id}/logo")
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.headers["Content-Type"], "image/png")
        self.assertEqual(reply.content, base64.b64decode(PIXEL))
        for path in (f"/oms/channel/{self.channel.id + 1000}/logo", "/oms/channel/0/logo"):
            self.assertEqual(self.url_open(path).status_code, 404, path)
        self.channel.logo = False
        self.assertEqual(self.url_open(f"/oms/channel/{self.channel.id}/logo").status_code, 404)
