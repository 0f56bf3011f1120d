# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The replenishment doors as the wrong people, over JSON-RPC: only an OMS manager reads,
computes, confirms and rejects proposals; store staff, customer service, an employee, the
sync service's integration user and a portal user are refused at every door, and nobody
writes a proposal by hand."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import tagged

PROPOSAL = "oms.replenishment.proposal"


@tagged("post_install", "-at_install")
class TestAccessReplenishment(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Proposal = cls.env[PROPOSAL]
        cls.transfer = Proposal.create(
            {
                "kind": "transfer",
                "key": "transfer:access",
                "company_id": cls.company.id,
                "source_warehouse_id": cls.store_b.id,
                "warehouse_id": cls.store_a.id,
                "line_ids": [Command.create({"product_id": cls.mug.id, "quantity": 3})],
            }
        )
        cls.purchase = Proposal.create(
            {
                "kind": "purchase",
                "key": "purchase:access",
                "company_id": cls.company.id,
                "warehouse_id": cls.store_a.id,
                "line_ids": [Command.create({"product_id": cls.mug.id, "quantity": 5})],
            }
        )
        cls.wrong = (cls.staff_a, cls.service, cls.employee, cls.sync, cls.portal)

    def _refused_everywhere(self, method, *args, **kwargs):
        for user in self.wrong:
            with self.assertRaises(RpcError, msg=f"{user.login}: {method}") as caught:
                self.call(user, PROPOSAL, method, *args, **kwargs)
            self.assertEqual(caught.exception.name, ACCESS_ERROR, caught.exception.message)

    def test_only_the_manager_reads_them(self):
        self._refused_everywhere("search_read", [], ["name", "reason"])
        self._refused_everywhere("read", [self.transfer.id], ["name"])
        rows = self.call(self.manager, PROPOSAL, "search_read", [], ["name", "reason"])
        self.assertEqual({row["id"] for row in rows}, {self.transfer.id, self.purchase.id})

    def test_only_the_manager_computes_them(self):
        self._refused_everywhere("action_compute_proposals", [])
        self.call(self.manager, PROPOSAL, "action_compute_proposals", [])

    def test_only_the_manager_confirms_them(self):
        self._refused_everywhere("action_confirm", [self.transfer.id, self.purchase.id])
        self.assertEqual((self.transfer.state, self.purchase.state), ("open", "open"))
        self.assertFalse(self.transfer.picking_id)
        self.call(self.manager, PROPOSAL, "action_confirm", [self.transfer.id, self.purchase.id])
        self.assertEqual((self.transfer.state, self.purchase.state), ("confirmed", "confirmed"))
        self.assertTrue(self.transfer.picking_id)
        self.assertTrue(self.purchase.orderpoint_id)

    def test_only_the_manager_rejects_them(self):
        self._refused_everywhere("action_open_reject", [self.transfer.id])
        for user in self.wrong:
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(
                    user,
                    "oms.replenishment.reject",
                    "create",
                    {"proposal_ids": [Command.set(self.transfer.ids)], "reason": "no"},
                )
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
        self.assertEqual(self.transfer.state, "open")
        wizard = self.call(
            self.manager,
            "oms.replenishment.reject",
            "create",
            {"proposal_ids": [Command.set(self.transfer.ids)], "reason": "Store closes"},
        )
        self.call(self.manager, "oms.replenishment.reject", "action_reject", [wizard])
        self.assertEqual(self.transfer.state, "rejected")
        self.assertEqual(self.transfer.reject_reason, "Store closes")

    def test_the_integration_user_is_refused_with_its_api_key_too(self):
        key = self.api_key(self.sync)
        for method, args in (("search_read", [[]]), ("action_confirm", [[self.transfer.id]])):
            with self.assertRaises(RpcError, msg=method) as caught:
                self.execute_kw(self.sync, key, PROPOSAL, method, *args)
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
        self.assertEqual(self.transfer.state, "open")

    def test_nobody_writes_creates_or_deletes_a_proposal_by_hand(self):
        for user in (*self.wrong, self.manager):
            for method, args in (
                ("write", ([self.transfer.id], {"state": "confirmed"})),
                ("create", ({"kind": "purchase", "warehouse_id": self.store_a.id},)),
                ("unlink", ([self.purchase.id],)),
            ):
                with self.assertRaises(RpcError, msg=f"{user.login}: {method}") as caught:
                    self.call(user, PROPOSAL, method, *args)
                self.assertEqual(caught.exception.name, ACCESS_ERROR)
        self.assertEqual(self.transfer.state, "open")
        self.assertTrue(self.purchase.exists())
