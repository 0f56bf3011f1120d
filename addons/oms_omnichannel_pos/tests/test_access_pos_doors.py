# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every POS door called by the wrong person, over a real HTTP JSON-RPC session (as the POS
calls them): store A's staff on store B's order or till, an employee who is no store staff,
and a portal user. Each is refused with an AccessError and changes nothing."""

from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import HttpCase, tagged

from .pos_common import OmsStoreTillCase


@tagged("post_install", "-at_install")
class TestPosDoorsAccess(OmsStoreTillCase, HttpCase):
    call = OmsAccessCase.call
    _jsonrpc = OmsAccessCase._jsonrpc

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_a.oms_routing_enabled = False
        cls.order_b = cls._pickup_order([(cls.mug, 1)], store=cls.store_b, oms_payment_status="paid")
        cls.store_order_b = cls._store_order(cls.order_b)
        cls.store_a.oms_routing_enabled = True
        cls.till_b = cls.env["pos.config"].create(
            {
                "name": "Till STB",
                "company_id": cls.company.id,
                "picking_type_id": cls.store_b.pos_type_id.id,
                "payment_method_ids": [(6, 0, cls.card_method.ids)],
            }
        )
        cls.employee = cls._create_user("pos19_employee", groups="base.group_user", name="Emil")
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Paula Portal",
                "login": "pos19_portal",
                "password": "pos19_portal",
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
            }
        )
        for user in (cls.staff_a, cls.staff_b, cls.employee):
            user.password = user.login

    def assertRefused(self, user, method, *args, **kwargs):
        with self.assertRaises(RpcError, msg=f"{user.login} may call {method}") as caught:
            self.call(user, "oms.store.pos", method, *args, **kwargs)
        self.assertEqual(caught.exception.name, ACCESS_ERROR, caught.exception.message)
        return caught.exception

    def _doors(self):
        """Every door, with the arguments of a call on store B's order or till."""
        so = self.store_order_b
        move = so.picking_id.move_ids
        return [
            ("accept", (so.id,), {"key": "k1"}),
            ("reject", (so.id, self.reason_other.id), {"key": "k2"}),
            ("lines", (so.id,), {}),
            ("pack", (so.id, {str(move.id): 1}), {"key": "k3"}),
            ("find", (self.till_b.id, so.pickup_code), {}),
            ("handover", (so.id, "Mallory"), {"key": "k4"}),
            ("resend_ready", (so.id,), {"key": "k5"}),
            ("back_on_shelf", (so.id,), {"key": "k6"}),
            ("availability", (self.till_b.id, self.mug.id), {}),
            ("sell_elsewhere", (self.till_b.id, self.customer.id, [[self.mug.id, 1]], "ship"), {}),
        ]

    def test_store_a_staff_cannot_touch_store_b(self):
        for method, args, kwargs in self._doors():
            with self.subTest(door=method):
                error = self.assertRefused(self.staff_a, method, *args, **kwargs)
                self.assertIn("STB", error.message)
        self.assertEqual(self.store_order_b.state, "new")
        self.assertFalse(self.store_order_b.step_ids.filtered(lambda s: s.action != "offered"))

    def test_store_a_staff_cannot_act_through_store_b_s_till_nor_read_its_queue(self):
        self.assertRefused(self.staff_a, "find", self.till_b.id, "Ana")
        found = self.call(
            self.staff_a, "oms.store.order", "search", [("id", "=", self.store_order_b.id)]
        )
        self.assertEqual(found, [])
        with self.assertRaises(RpcError) as caught:
            self.call(self.staff_a, "oms.store.order", "write", [self.store_order_b.id], {"state": "done"})
        self.assertEqual(caught.exception.name, ACCESS_ERROR)

    def test_an_employee_and_a_portal_user_cannot_call_any_door(self):
        for user in (self.employee, self.portal):
            for method, args, kwargs in self._doors():
                with self.subTest(user=user.login, door=method):
                    self.assertRefused(user, method, *args, **kwargs)
        self.assertEqual(self.store_order_b.state, "new")

    def test_store_b_staff_may(self):
        answer = self.call(self.staff_b, "oms.store.pos", "accept", self.store_order_b.id, key="ok-b")
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(self.store_order_b.accepted_by_id, self.staff_b)
