# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour: the review queue and an order's life on its form (a real headless Chrome)."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestRiskReviewTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier(
            "Tour Risk Parcel",
            oms_default_transit_days=-1,
            oms_zone_ids=[
                Command.create(
                    {"country_id": cls.germany.id, "postal_prefix": "", "transit_days": 2}
                )
            ],
        )
        dc = cls._create_tour_node("Tour Risk DC", "TRDC", "20457")
        product = cls._create_tour_product("Tour risk lamp", 1.0, {dc: 10})
        product.default_code = "TOUR-RISK-LAMP"
        policy = cls.env["oms.risk.policy"].create(
            {
                "name": "Tour risk",
                "prepay_at": 30,
                "review_at": 60,
                "rule_ids": [
                    Command.create({"rule_type": "first_order", "weight": 15}),
                    Command.create(
                        {
                            "rule_type": "block_list",
                            "weight": 60,
                            "blocked_emails": "tour-risky@example.com",
                        }
                    ),
                ],
            }
        )
        channel = cls.env["oms.channel"].create(
            {"name": "Tour risk shop", "code": "tour-risk", "risk_policy_id": policy.id}
        )
        [result] = cls.env["oms.intake"].ingest_orders(
            [
                {
                    "channel": channel.code,
                    "external_id": "R-1",
                    "external_version": 1,
                    "status": "open",
                    "name": "#R-1",
                    "currency": cls.company.currency_id.name,
                    "customer": {"email": "tour-risky@example.com", "name": "Tour Risky Customer"},
                    "shipping_address": {
                        "name": "Tour Risky Customer",
                        "street": "Hauptstraße 9",
                        "city": "Berlin",
                        "zip": "10117",
                        "country_code": "DE",
                    },
                    "lines": [
                        {
                            "external_id": "l1",
                            "sku": "TOUR-RISK-LAMP",
                            "quantity": 1,
                            "unit_price": "30.00",
                        }
                    ],
                    "payment": {
                        "status": "pending",
                        "method": "card",
                        "amount": "30.00",
                        "reference": "pi",
                    },
                }
            ]
        )
        cls.order = cls.env["sale.order"].browse(result["order_id"])

    def test_review_queue_and_the_order_life(self):
        self.assertEqual(self.order.oms_risk_state, "review")
        self.assertFalse(any(self.order.picking_ids.mapped("oms_released")))
        self.start_tour(
            "/odoo/action-oms_risk.sale_order_action_risk_review",
            "oms_risk_review_tour",
            login="admin",
        )
        self.order.invalidate_recordset()
        self.assertEqual(self.order.oms_risk_state, "approved")
        self.assertTrue(all(self.order.picking_ids.mapped("oms_released")))
        review = self.order.oms_risk_decision_ids.filtered(lambda d: d.kind == "review")
        self.assertEqual(review.note, "Called the customer: a genuine order.")
