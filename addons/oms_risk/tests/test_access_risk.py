# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The risk check's doors as the wrong people, over JSON-RPC: only customer service reviews,
only OMS managers change the rules, nobody writes a decision by hand."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.access_common import ACCESS_ERROR, OmsAccessCase, RpcError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAccessRisk(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["oms.risk.policy"].create(
            {
                "name": "Access risk",
                "company_id": cls.company.id,
                "review_at": 10,
                "rule_ids": [Command.create({"rule_type": "first_order", "weight": 20})],
            }
        )
        cls.order_a.write({"oms_risk_state": "review", "oms_risk_score": 20})
        cls.decision = cls.env["oms.risk.decision"].create(
            {"sale_order_id": cls.order_a.id, "kind": "check", "outcome": "review", "score": 20}
        )

    def test_only_customer_service_reviews(self):
        for method in ("action_oms_risk_approve", "action_oms_risk_reject"):
            for user in (self.staff_a, self.employee, self.portal, self.sync):
                with self.assertRaises(RpcError, msg=f"{user.login} {method}") as caught:
                    self.call(user, "sale.order", method, [self.order_a.id])
                self.assertEqual(caught.exception.name, ACCESS_ERROR, f"{user.login} {method}")
        for user in (self.staff_a, self.employee):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(
                    user,
                    "oms.risk.review.wizard",
                    "create",
                    {"sale_order_ids": [Command.set(self.order_a.ids)], "decision": "approve"},
                )
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
        self.assertEqual(self.order_a.oms_risk_state, "review")
        action = self.call(self.service, "sale.order", "action_oms_risk_approve", [self.order_a.id])
        wizard_id = self.call(
            self.service,
            "oms.risk.review.wizard",
            "create",
            {
                "sale_order_ids": [Command.set(self.order_a.ids)],
                "decision": action["context"]["default_decision"],
            },
        )
        self.call(self.service, "oms.risk.review.wizard", "action_apply", [wizard_id])
        self.order_a.invalidate_recordset()
        self.assertEqual(self.order_a.oms_risk_state, "approved")

    def test_the_review_methods_are_not_doors(self):
        with self.assertRaises(RpcError) as caught:
            self.call(self.service, "sale.order", "_oms_risk_approve", [self.order_a.id])
        self.assertIn("Private methods", caught.exception.message)

    def test_only_managers_change_the_rules(self):
        for user in (self.service, self.staff_a, self.employee):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(user, "oms.risk.policy", "write", [self.policy.id], {"review_at": 90})
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
        self.call(self.manager, "oms.risk.policy", "write", [self.policy.id], {"review_at": 90})
        self.assertEqual(self.policy.review_at, 90)
        with self.assertRaises(RpcError) as caught:
            self.call(self.manager, "oms.risk.policy", "write", [self.policy.id], {"prepay_at": 95})
        self.assertEqual(caught.exception.name, "odoo.exceptions.ValidationError")

    def test_decisions_are_read_by_customer_service_and_written_by_nobody(self):
        rows = self.call(self.service, "oms.risk.decision", "search_read", [], ["outcome"])
        self.assertIn(self.decision.id, [row["id"] for row in rows])
        for user in (self.staff_a, self.employee):
            with self.assertRaises(RpcError, msg=user.login):
                self.call(user, "oms.risk.decision", "search_read", [], ["outcome"])
        for user in (self.service, self.manager):
            with self.assertRaises(RpcError, msg=user.login) as caught:
                self.call(
                    user, "oms.risk.decision", "write", [self.decision.id], {"outcome": "approved"}
                )
            self.assertEqual(caught.exception.name, ACCESS_ERROR)
