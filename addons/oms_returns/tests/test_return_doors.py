"""Every door of the returns, over JSON-RPC, as its user and as everyone else."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.access_common import OmsAccessCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestReturnDoors(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for order in cls.order_a | cls.order_b:
            delivery = cls._delivery(order)
            delivery.move_ids.quantity = delivery.move_ids.product_uom_qty
            delivery.move_ids.picked = True
            delivery._action_done()
        cls.return_a = cls.env["oms.return"]._oms_create_return(
            cls.order_a,
            [{"sale_line": cls.order_a.order_line[:1], "quantity": 1, "reason": "other"}],
            kind="store",
            store=cls.store_a,
        )
        cls.return_b = cls.env["oms.return"]._oms_create_return(
            cls.order_b,
            [{"sale_line": cls.order_b.order_line[:1], "quantity": 1, "reason": "other"}],
            kind="store",
            store=cls.store_b,
        )
        cls.staff_b = cls._create_user(
            "oms_access_staff_b", "oms_omnichannel.group_oms_store_staff", cls.store_b
        )

    def test_shop_and_carrier_doors_are_the_sync_services_only(self):
        shop_return = {
            "channel": self.channel.code,
            "external_id": "unknown",
            "return_id": "r-1",
            "lines": [{"sku": "ACCESS-MUG", "quantity": 1}],
        }
        label = {"key": "nope", "status": "failed"}
        for user in (self.staff_a, self.service, self.manager, self.employee, self.portal):
            self.assertRefused(user, "oms.intake", "apply_returns", [shop_return])
            self.assertRefused(user, "oms.intake", "apply_labels", [label])
        key = self.api_key(self.sync)
        [result] = self.execute_kw(self.sync, key, "oms.intake", "apply_returns", [shop_return])
        self.assertEqual(result["error"]["code"], "unknown_order")
        [result] = self.execute_kw(self.sync, key, "oms.intake", "apply_labels", [label])
        self.assertEqual(result["error"]["code"], "unknown_label")
        # The sync user reads no return directly.
        self.assertRefused(self.sync, "oms.return", "read", self.return_a.ids, ["name"])

    def test_store_staff_see_and_inspect_their_stores_returns_only(self):
        self.assertEqual(
            self.visible(self.staff_a, "oms.return", self.return_a | self.return_b),
            set(self.return_a.ids),
        )
        self.assertRefused(self.staff_a, "oms.return", "action_inspect", self.return_b.ids)
        self.assertRefused(self.staff_a, "oms.return", "write", self.return_b.ids, {"note": "x"})
        self.assertRefused(self.staff_b, "oms.return", "read", self.return_a.ids, ["name"])
        for user in (self.employee, self.portal):
            self.assertRefused(user, "oms.return", "read", self.return_a.ids, ["name"])
            self.assertRefused(
                user, "oms.return.line", "read", self.return_a.line_ids.ids, ["quantity"]
            )

    def test_only_customer_service_starts_approves_and_refuses_returns(self):
        order = self._create_store_order(self.store_a, "Access Customer C")
        delivery = self._delivery(order)
        delivery.move_ids.quantity = delivery.move_ids.product_uom_qty
        delivery.move_ids.picked = True
        delivery._action_done()
        for user in (self.staff_a, self.employee, self.portal):
            self.assertRefused(
                user,
                "oms.return.wizard",
                "create",
                {"sale_order_id": self.order_a.id},
            )
            self.assertRefused(user, "oms.return", "action_refuse", self.return_a.ids)
        wizard_id = self.call(
            self.service,
            "oms.return.wizard",
            "create",
            {
                "sale_order_id": order.id,
                "kind": "store",
                "store_id": self.store_a.id,
                "line_ids": [
                    Command.create(
                        {"sale_line_id": order.order_line[:1].id, "quantity": 1, "reason": "other"}
                    )
                ],
            },
        )
        action = self.call(self.service, "oms.return.wizard", "action_start", [wizard_id])
        created = self.env["oms.return"].browse(action["res_id"])
        self.assertEqual(created.sale_order_id, order)
        self.assertEqual(created.source, "back_office")
        self.assertEqual(created.client, self.service.name)

    def test_the_customer_service_api_starts_returns_and_nobody_else(self):
        for user in (self.staff_a, self.service, self.employee, self.portal, self.sync):
            self.assertRefused(
                user,
                "oms.customer.service",
                "start_return",
                {"order": self.order_a.name, "email": "asa@example.com"},
            )

    def test_store_staff_inspect_what_arrived_at_their_store(self):
        # Returns go to store A only.
        self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id), ("id", "!=", self.store_a.id)]
        ).oms_accepts_returns = False
        order = self._create_store_order(self.store_b, "Access Customer D")
        delivery = self._delivery(order)
        delivery.move_ids.quantity = delivery.move_ids.product_uom_qty
        delivery.move_ids.picked = True
        delivery._action_done()
        ret = self.env["oms.return"]._oms_create_return(
            order, [{"sale_line": order.order_line[:1], "quantity": 1, "reason": "other"}]
        )
        self.assertEqual(ret.line_ids.warehouse_id, self.store_a)
        receipt = ret.picking_ids
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt._action_done()
        # Store A's staff may not read store B's order, but inspect what arrived at store A.
        self.assertRefused(self.staff_a, "sale.order", "read", order.ids, ["name"])
        self.assertRefused(self.staff_b, "oms.return", "action_inspect", ret.ids)
        self.call(self.staff_a, "oms.return.line", "write", ret.line_ids.ids, {"grade": "as_new"})
        self.call(self.staff_a, "oms.return", "action_inspect", ret.ids)
        self.env.invalidate_all()
        self.assertEqual(ret.line_ids.disposition, "resell")
        self.assertTrue(ret.refund_request_ids)
        self.assertEqual(ret.state, "refunded")
