# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Store staff reach their own stores' orders, deliveries, stock and customers, over RPC too
(issue 21): what the web client hides, a JSON-RPC call must not reach either."""

from odoo import Command
from odoo.tests import tagged

from .access_common import OmsAccessCase


@tagged("post_install", "-at_install")
class TestAccessStoreStaff(OmsAccessCase):
    def test_store_staff_see_their_stores_records_only(self):
        staff, a, b = self.staff_a, self.order_a, self.order_b
        self.assertEqual(self.visible(staff, "sale.order", a | b), {a.id})
        self.assertEqual(
            self.visible(staff, "sale.order.line", a.order_line | b.order_line),
            set(a.order_line.ids),
        )
        deliveries = self._delivery(a) | self._delivery(b)
        self.assertEqual(
            self.visible(staff, "stock.picking", deliveries), set(self._delivery(a).ids)
        )
        self.assertEqual(
            self.visible(staff, "stock.move", deliveries.move_ids),
            set(self._delivery(a).move_ids.ids),
        )
        self.assertEqual(
            self.visible(staff, "stock.move.line", deliveries.move_line_ids),
            set(self._delivery(a).move_line_ids.ids),
        )
        self.assertTrue(self._delivery(b).move_line_ids, "premise: B's delivery is reserved")
        groups = a.procurement_group_id | b.procurement_group_id
        self.assertEqual(
            self.visible(staff, "procurement.group", groups), {a.procurement_group_id.id}
        )
        analysis = self.call(
            staff, "sale.report", "search_read", [("name", "in", [a.name, b.name])], ["name"]
        )
        self.assertEqual({row["name"] for row in analysis}, {a.name})
        self.assertRefused(staff, "sale.order", "read", b.ids, ["name"])
        self.assertRefused(staff, "procurement.group", "read", b.procurement_group_id.ids, ["name"])
        # Customer service sees every store.
        self.assertEqual(self.visible(self.service, "sale.order", a | b), {a.id, b.id})
        self.assertEqual(
            self.visible(self.service, "stock.picking", deliveries), set(deliveries.ids)
        )

    def test_store_staff_see_their_stores_customers_only(self):
        customer_a, customer_b = self.order_a.partner_id, self.order_b.partner_id
        contacts = customer_a | customer_b | self.order_a.partner_shipping_id
        contacts |= self.order_b.partner_shipping_id
        self.assertEqual(
            self.visible(self.staff_a, "res.partner", contacts),
            {customer_a.id, self.order_a.partner_shipping_id.id},
        )
        self.assertRefused(self.staff_a, "res.partner", "read", customer_b.ids, ["email", "street"])
        self.assertRefused(
            self.staff_a, "res.partner", "read", self.order_b.partner_shipping_id.ids, ["street"]
        )
        self.assertRefused(self.staff_a, "res.partner", "create", {"name": "Store Customer"})
        # Colleagues and the company stay visible: Odoo's screens show them everywhere.
        colleagues = self.service.partner_id | self.company.partner_id
        self.assertEqual(self.visible(self.staff_a, "res.partner", colleagues), set(colleagues.ids))
        # Customer service sees, creates and edits every customer (phone orders).
        self.assertEqual(self.visible(self.service, "res.partner", contacts), set(contacts.ids))
        new = self.call(self.service, "res.partner", "create", {"name": "Phone Customer"})
        self.call(self.service, "res.partner", "write", [new, customer_b.id], {"phone": "+49 1"})

    def test_own_preferences_never_move_a_store_user(self):
        # The Default Warehouse is the user's own preference: it says nothing about access.
        self.assertTrue(
            self.call(
                self.staff_a,
                "res.users",
                "write",
                self.staff_a.ids,
                {"property_warehouse_id": self.store_b.id, "tz": "Europe/Berlin"},
            )
        )
        self.assertEqual(
            self.visible(self.staff_a, "sale.order", self.order_a | self.order_b), {self.order_a.id}
        )
        self.assertRefused(
            self.staff_a,
            "res.users",
            "write",
            self.staff_a.ids,
            {"oms_warehouse_ids": [Command.set(self.store_b.ids)]},
        )
        self.assertRefused(
            self.staff_a,
            "res.users",
            "write",
            self.staff_a.ids,
            {"oms_warehouse_ids": [Command.link(self.store_b.id)], "tz": "Europe/Paris"},
        )
        self.staff_a.invalidate_recordset()
        self.assertEqual(self.staff_a.oms_warehouse_ids, self.store_a)
        self.assertEqual(
            self.visible(self.staff_a, "sale.order", self.order_a | self.order_b), {self.order_a.id}
        )

    def test_other_stores_deliveries_cannot_be_validated_or_cancelled(self):
        delivery_b = self._delivery(self.order_b)
        # Even after making the other store their Default Warehouse (and so their orders').
        self.call(
            self.staff_a,
            "res.users",
            "write",
            self.staff_a.ids,
            {"property_warehouse_id": self.store_b.id},
        )
        self.assertRefused(self.staff_a, "stock.picking", "button_validate", delivery_b.ids)
        self.assertRefused(self.staff_a, "stock.picking", "action_cancel", delivery_b.ids)
        self.assertRefused(
            self.staff_a, "stock.picking", "write", delivery_b.ids, {"carrier_tracking_ref": "X"}
        )
        self.assertRefused(self.staff_a, "sale.order", "action_cancel", self.order_b.ids)
        self.env.invalidate_all()
        self.assertEqual((delivery_b.state, self.order_b.state), ("assigned", "sale"))

    def test_no_transfer_out_of_another_stores_stock(self):
        a, b = self.store_a, self.store_b
        theft = {
            "picking_type_id": a.int_type_id.id,
            "location_id": b.lot_stock_id.id,
            "location_dest_id": a.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": "Access Mug",
                        "product_id": self.mug.id,
                        "product_uom_qty": 5,
                        "product_uom": self.mug.uom_id.id,
                        "location_id": b.lot_stock_id.id,
                        "location_dest_id": a.lot_stock_id.id,
                    }
                )
            ],
        }
        self.assertRefused(self.staff_a, "stock.picking", "create", theft)
        self.assertRefused(self.staff_a, "stock.move", "create", dict(theft["move_ids"][0][2]))
        self.assertRefused(
            self.staff_a,
            "stock.move.line",
            "create",
            {
                "company_id": self.company.id,
                "product_id": self.mug.id,
                "product_uom_id": self.mug.uom_id.id,
                "quantity": 5,
                "location_id": b.lot_stock_id.id,
                "location_dest_id": a.lot_stock_id.id,
            },
        )
        # Nor into another store from outside the network (a receipt B would have to count).
        receipt = dict(
            theft,
            picking_type_id=b.in_type_id.id,
            location_id=self.env.ref("stock.stock_location_suppliers").id,
            location_dest_id=b.lot_stock_id.id,
            move_ids=[],
        )
        self.assertRefused(self.staff_a, "stock.picking", "create", receipt)
        self.assertEqual(self.mug.with_context(location=b.lot_stock_id.id).qty_available, 10)

    def test_store_staff_move_their_own_stock(self):
        a, b = self.store_a, self.store_b
        # Out of their store to another (e.g. a click & collect transfer) ...
        transfer = self.call(
            self.staff_a,
            "stock.picking",
            "create",
            {
                "picking_type_id": a.int_type_id.id,
                "location_id": a.lot_stock_id.id,
                "location_dest_id": b.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Access Mug",
                            "product_id": self.mug.id,
                            "product_uom_qty": 2,
                            "product_uom": self.mug.uom_id.id,
                            "location_id": a.lot_stock_id.id,
                            "location_dest_id": b.lot_stock_id.id,
                        }
                    )
                ],
            },
        )
        self._confirm_and_validate(self.staff_a, transfer)
        # ... and into it from a supplier.
        receipt = self.call(
            self.staff_a,
            "stock.picking",
            "create",
            {
                "picking_type_id": a.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": a.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "Access Mug",
                            "product_id": self.mug.id,
                            "product_uom_qty": 3,
                            "product_uom": self.mug.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": a.lot_stock_id.id,
                        }
                    )
                ],
            },
        )
        self._confirm_and_validate(self.staff_a, receipt)
        self.env.invalidate_all()
        # 10, 1 reserved by the order, 2 sent to B, 3 received.
        self.assertEqual(self.mug.with_context(location=a.lot_stock_id.id).qty_available, 11)
        self.assertEqual(self.mug.with_context(location=b.lot_stock_id.id).qty_available, 12)
        # Their own delivery too.
        self._confirm_and_validate(self.staff_a, self._delivery(self.order_a).id)

    def _confirm_and_validate(self, user, picking_id):
        self.call(user, "stock.picking", "action_confirm", [picking_id])
        self.call(user, "stock.picking", "action_assign", [picking_id])
        [picking] = self.call(user, "stock.picking", "read", [picking_id], ["move_ids"])
        for move in self.call(user, "stock.move", "read", picking["move_ids"], ["product_uom_qty"]):
            self.call(
                user,
                "stock.move",
                "write",
                [move["id"]],
                {"quantity": move["product_uom_qty"], "picked": True},
            )
        self.call(user, "stock.picking", "button_validate", [picking_id])
        [picking] = self.call(user, "stock.picking", "read", [picking_id], ["state"])
        self.assertEqual(picking["state"], "done")
