# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrading a database of 18.0.1.0 to the access rules of 18.0.1.1.0: the migration's own
function, run on real users in the test's transaction."""

import importlib.util
from pathlib import Path

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

MIGRATION = Path(__file__).parents[1] / "migrations" / "18.0.1.1.0" / "post-migration.py"


def _post_migration():
    spec = importlib.util.spec_from_file_location("oms_post_migration_18_0_1_1_0", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestUpgradeAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.store = cls.env["stock.warehouse"].create({"name": "Upgrade Store", "code": "UPS"})
        formerly = ",".join(
            [
                "base.group_user",
                "oms_omnichannel.group_oms_integration",
                "sales_team.group_sale_salesman_all_leads",
                "stock.group_stock_user",
                "base.group_partner_manager",
            ]
        )
        # As 18.0.1.0 left them: the sync user with what its group implied then, a store
        # person whose store was their Default Warehouse.
        cls.sync_user = new_test_user(cls.env, "upgrade-sync", groups=formerly)
        staff = "base.group_user,oms_omnichannel.group_oms_store_staff"
        cls.store_person = new_test_user(cls.env, "upgrade-store", groups=staff)
        cls.store_person.property_warehouse_id = cls.store
        cls.service = new_test_user(
            cls.env,
            "upgrade-service",
            groups="base.group_user,oms_omnichannel.group_oms_customer_service,"
            "oms_omnichannel.group_oms_integration",
        )
        cls.placed = cls.env["stock.warehouse"].create({"name": "Upgrade Other", "code": "UPO"})
        cls.placed_person = new_test_user(cls.env, "upgrade-placed", groups=staff)
        cls.placed_person.write(
            {
                "property_warehouse_id": cls.store.id,
                "oms_warehouse_ids": [Command.set(cls.placed.ids)],
            }
        )

    def _migrate(self):
        _post_migration().migrate(self.env.cr, "18.0.1.0.5")
        self.env.invalidate_all()

    def test_the_sync_user_keeps_its_group_and_nothing_else(self):
        self._migrate()
        self.assertTrue(self.sync_user.has_group("oms_omnichannel.group_oms_integration"))
        for xmlid in (
            "sales_team.group_sale_salesman",
            "stock.group_stock_user",
            "base.group_partner_manager",
        ):
            self.assertFalse(self.sync_user.has_group(xmlid), xmlid)
        self.assertTrue(self.sync_user._is_internal())
        # Customer service that also integrates keeps what its own role implies.
        self.assertTrue(self.service.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(self.service.has_group("base.group_partner_manager"))

    def test_store_staff_see_the_store_they_saw_before(self):
        self._migrate()
        self.assertEqual(self.store_person.oms_warehouse_ids, self.store)
        self.assertEqual(self.placed_person.oms_warehouse_ids, self.placed, "set by a manager")
        self.assertFalse(self.service.oms_warehouse_ids, "customer service sees every store")

    def test_running_it_twice_changes_nothing_more(self):
        self._migrate()
        groups = self.sync_user.groups_id
        self._migrate()
        self.assertEqual(self.sync_user.groups_id, groups)
        self.assertEqual(self.store_person.oms_warehouse_ids, self.store)
