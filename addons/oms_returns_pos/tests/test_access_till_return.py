"""The till's return doors over JSON-RPC as the wrong person: another store's staff on this
till, an employee who is no store staff, a portal user - refused, nothing changed."""

from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import HttpCase, tagged

from .common import OmsTillReturnCase


@tagged("post_install", "-at_install")
class TestTillReturnAccess(OmsTillReturnCase, HttpCase):
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._shipped_web_order([(cls.shirt, 1)])
        cls.employee = cls._create_user("r16_employee", groups="base.group_user", name="Emil")
        for user in (cls.staff_a, cls.staff_b, cls.employee):
            user.password = user.login

    def assertRefused(self, user, method, *args):
        with self.assertRaises(RpcError) as caught:
            self.call(user, "oms.return.pos", method, *args)
        self.assertEqual(caught.exception.name, ACCESS_ERROR, caught.exception.message)

    def test_only_the_stores_staff_use_its_till(self):
        line = [{"line_id": self.order.order_line.id, "quantity": 1}]
        for user in (self.staff_b, self.employee):
            self.assertRefused(user, "find_orders", self.till.id, self.order.name)
            self.assertRefused(user, "complete", self.till.id, self.order.id, line, "cash")
        self.assertFalse(self.order.oms_return_ids)
        found = self.call(
            self.staff_a, "oms.return.pos", "find_orders", self.till.id, self.order.name
        )
        self.assertTrue(found["ok"], found)
