# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each rule reads its facts from Odoo and from the canonical order, and says why it fired in
words: many orders from one customer, an unusual quantity, billing and shipping apart, an
external risk service's score - and its outage."""

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.tests import tagged

from .common import OmsRiskCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRiskReasons(OmsRiskCase):
    def _why(self, order):
        return self._text(order.oms_risk_explanation_html)

    def _only(self, **rule):
        self.policy.write(
            {
                "rule_ids": [Command.clear(), Command.create(dict(rule, sequence=1))],
                "prepay_at": 0,
                "review_at": 10,
            }
        )

    def test_an_external_risk_service_and_its_outage(self):
        self.policy.rule_ids.filtered(
            lambda r: r.rule_type == "external_score"
        ).no_answer_points = 5
        # The sync service asked the risk service (a double here: its documented answers).
        payload = self._risky("6001", verdict=None)
        payload["risk"]["external"] = {"provider": "Riskbuster", "score": 0.9}
        order = self._ingest(payload)
        self.assertIn(
            "The risk service Riskbuster scored the order 0.90 (counts from 0.50). (+45 points)",
            self._why(order),
        )
        payload = self._risky("6002", verdict=None)
        payload["risk"]["external"] = {"provider": "Riskbuster", "score": None, "detail": "timeout"}
        order = self._ingest(payload)
        self.assertIn("The risk service Riskbuster gave no score. (+5 points)", self._why(order))
        bad = self._risky("6003", verdict=None)
        bad["risk"]["external"] = {"provider": "Riskbuster", "score": 7}
        [result] = self.intake.ingest_orders([bad])
        self.assertEqual(
            (result["status"], result["error"]["field"]), ("error", "risk.external.score")
        )

    def test_many_orders_from_one_customer(self):
        self._only(rule_type="velocity", weight=40, max_orders=2, window_hours=24)
        first = self._ingest(self._risky("6101", verdict=None))
        second = self._ingest(self._risky("6102", verdict=None))
        third = self._ingest(self._risky("6103", verdict=None))
        self.assertEqual([o.oms_risk_state for o in first | second], ["pass", "pass"])
        self.assertEqual(third.oms_risk_state, "review")
        self.assertIn(
            "The customer placed 3 orders within 24 hours (more than 2). (+40 points)",
            self._why(third),
        )

    def test_an_unusual_quantity_for_the_product(self):
        self._only(rule_type="large_quantity", weight=30, factor=3, min_quantity=2, min_history=2)
        for number in range(3):
            self._ingest(self._risky(f"62{number}", verdict=None, email=f"c{number}@example.com"))
        big = self._risky("6299", verdict=None, email="big@example.com")
        big["lines"] = [
            {"external_id": "l1", "sku": "MSG-SHIRT", "quantity": 8, "unit_price": "19.90"}
        ]
        order = self._ingest(big)
        self.assertEqual(order.oms_risk_state, "review")
        self.assertIn(
            "Unusually large quantity, 3 times the usual or more: 8 \N{MULTIPLICATION SIGN} "
            "[MSG-SHIRT] Shirt (usually 2 per order). (+30 points)",
            self._why(order),
        )

    def test_billing_and_shipping_apart(self):
        self._only(rule_type="address_mismatch", weight=25, mismatch_level="postal_code")
        payload = self._risky("6301", verdict=None)
        payload["billing_address"] = {
            "name": "Ana",
            "street": "Rue de Rivoli 1",
            "city": "Paris",
            "zip": "75001",
            "country_code": "FR",
        }
        order = self._ingest(payload)
        self.assertIn(
            "The billing address (Rue de Rivoli 1, 75001 Paris, France) differs from the "
            "shipping address (Hauptstraße 2, 10117 Berlin, Germany). (+25 points)",
            self._why(order),
        )
