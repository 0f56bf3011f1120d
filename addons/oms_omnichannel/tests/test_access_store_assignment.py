# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who says which stores a person works for, and that a change holds at the next call
(issue 21): the rules are cached per user in every worker, so a move or a demotion that waited
for an unrelated cache clear would leave the person their old access."""

from odoo import Command
from odoo.tests import tagged

from .access_common import OmsAccessCase


@tagged("post_install", "-at_install")
class TestAccessStoreAssignment(OmsAccessCase):
    def _stores(self, stores):
        return {"oms_warehouse_ids": [Command.set(stores.ids)]}

    def test_only_managers_and_user_administrators_assign_stores(self):
        target = self.staff_a
        for user in (self.staff_a, self.service, self.employee, self.sync, self.portal):
            self.assertRefused(user, "res.users", "write", target.ids, self._stores(self.store_b))
        self.assertTrue(
            self.call(self.manager, "res.users", "write", target.ids, self._stores(self.store_b))
        )
        # Stores only: an OMS manager is no user administrator.
        self.assertRefused(
            self.manager,
            "res.users",
            "write",
            target.ids,
            {**self._stores(self.store_a), "login": "taken_over"},
        )
        admin = self.env.ref("base.user_admin")
        self.assertTrue(
            self.call(admin, "res.users", "write", target.ids, self._stores(self.store_a))
        )
        target.invalidate_recordset()
        self.assertEqual(
            (target.oms_warehouse_ids, target.login), (self.store_a, "oms_access_staff_a")
        )

    def test_moving_a_person_to_another_store_holds_at_their_next_call(self):
        orders = self.order_a | self.order_b
        self.assertEqual(self.visible(self.staff_a, "sale.order", orders), {self.order_a.id})
        self.call(self.manager, "res.users", "write", self.staff_a.ids, self._stores(self.store_b))
        self.assertEqual(self.visible(self.staff_a, "sale.order", orders), {self.order_b.id})
        self.assertEqual(
            self.visible(self.staff_a, "stock.picking", self._delivery(self.order_a)), set()
        )
        self.call(
            self.manager,
            "res.users",
            "write",
            self.staff_a.ids,
            self._stores(self.store_a | self.store_b),
        )
        self.assertEqual(self.visible(self.staff_a, "sale.order", orders), set(orders.ids))
        self.call(
            self.manager,
            "res.users",
            "write",
            self.staff_a.ids,
            self._stores(self.store_a.browse()),
        )
        self.assertEqual(self.visible(self.staff_a, "sale.order", orders), set())

    def test_a_demotion_holds_at_the_next_call(self):
        orders = self.order_a | self.order_b
        self.call(self.manager, "res.users", "write", self.service.ids, self._stores(self.store_a))
        self.assertEqual(self.visible(self.service, "sale.order", orders), set(orders.ids))
        staff_only = self.env.ref("base.group_user") | self.env.ref(
            "oms_omnichannel.group_oms_store_staff"
        )
        admin = self.env.ref("base.user_admin")
        self.call(
            admin,
            "res.users",
            "write",
            self.service.ids,
            {"groups_id": [Command.set(staff_only.ids)]},
        )
        self.assertEqual(self.visible(self.service, "sale.order", orders), {self.order_a.id})
        self.assertRefused(
            self.service, "res.partner", "read", self.order_b.partner_id.ids, ["email"]
        )
