# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The risk tests' retailer: the payment tests' web shop, with a risk policy on its channel."""

from odoo import Command
from odoo.addons.oms_payment.tests.common import OmsPaymentCase


class OmsRiskCase(OmsPaymentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["oms.risk.policy"].create(
            {
                "name": "Web shop risk",
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
                "prepay_at": 30,
                "review_at": 60,
                "rule_ids": [
                    Command.create({"rule_type": "first_order", "weight": 15, "sequence": 1}),
                    Command.create(
                        {
                            "rule_type": "order_value",
                            "weight": 20,
                            "threshold_amount": 500,
                            "sequence": 2,
                        }
                    ),
                    Command.create(
                        {
                            "rule_type": "shop_verdict",
                            "weight": 40,
                            "medium_weight": 15,
                            "sequence": 3,
                        }
                    ),
                    Command.create(
                        {
                            "rule_type": "block_list",
                            "weight": 60,
                            "blocked_emails": "fraud@example.com",
                            "sequence": 4,
                        }
                    ),
                    Command.create(
                        {
                            "rule_type": "external_score",
                            "weight": 50,
                            "score_threshold": 0.5,
                            "no_answer_points": 0,
                            "sequence": 5,
                        }
                    ),
                ],
            }
        )
        cls.channel.risk_policy_id = cls.policy

    def _risky(self, external_id="5001", verdict="high", email="ana@example.com", **extra):
        """A card order the shop rates ``verdict`` risk, a first order: 40 + 15 = 55 points
        by default (prepayment required)."""
        extra.setdefault("method", "card")
        payload = self._payload(external_id, **extra)
        payload["customer"]["email"] = email
        payload["risk"] = {"shop_verdict": verdict}
        return payload
