# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sync service's user can do what the sync needs and nothing else (issue 21): it used to
be an all-documents salesperson, an inventory user and a contact manager, so its key could
validate any delivery, cancel any order, read every contact and move a node's address."""

from odoo.tests import tagged

from .access_common import OmsAccessCase


@tagged("post_install", "-at_install")
class TestAccessIntegrationUser(OmsAccessCase):
    def test_the_sync_user_reads_no_order_delivery_or_contact(self):
        key = self.api_key(self.sync)
        for model, records in (
            ("sale.order", self.order_a),
            ("sale.order.line", self.order_a.order_line),
            ("stock.picking", self._delivery(self.order_a)),
            ("stock.move", self._delivery(self.order_a).move_ids),
        ):
            self.assertRefused(self.sync, model, "search_read", [("id", "in", records.ids)], ["id"])
        contacts = self.order_a.partner_id | self.service.partner_id | self.store_a.partner_id
        self.assertEqual(self.visible(self.sync, "res.partner", contacts), set())
        own = self.execute_kw(
            self.sync, key, "res.partner", "search", [("id", "=", self.sync.partner_id.id)]
        )
        self.assertEqual(own, self.sync.partner_id.ids)
        self.assertEqual(self.visible(self.sync, "res.users", self.service | self.manager), set())

    def test_the_sync_user_changes_nothing_outside_its_doors(self):
        delivery = self._delivery(self.order_a)
        self.assertRefused(self.sync, "stock.picking", "button_validate", delivery.ids)
        self.assertRefused(self.sync, "sale.order", "action_cancel", self.order_a.ids)
        self.assertRefused(
            self.sync, "res.partner", "write", self.store_a.partner_id.ids, {"zip": "99999"}
        )
        self.assertRefused(
            self.sync, "stock.warehouse", "write", self.store_a.ids, {"oms_priority": 9}
        )
        self.assertRefused(self.sync, "res.partner", "create", {"name": "Spam"})
        self.env.invalidate_all()
        self.assertEqual((delivery.state, self.order_a.state), ("assigned", "sale"))
        self.assertEqual(self.store_a.partner_id.zip, "10117")
