"""The "Why" of a decision reads as a person would write it, in the reader's language.

Dates in the reader's format, costs in the company's currency, nodes and products by name,
and never an internal code: the runner-up's defeat and the rules that left a node out are
said in words; a reason code unknown to this version still reads as words.
"""

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase

INTERNAL = ("node_disabled", "score", "tie-break", "excluded_by_order", "_", "-1")


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestExplanations(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.env.ref("base.EUR").active = True
        cls.env["res.lang"]._activate_lang("de_DE")
        # Twins: the same in every respect, so the plan is a tie between them.
        cls.twin_a = cls._create_node("TWINA")
        cls.twin_b = cls._create_node("TWINB")
        cls.off = cls._create_node("OFF", oms_routing_enabled=False)
        cls.shirt = cls._create_product("Shirt")
        for node in (cls.twin_a, cls.twin_b, cls.off):
            cls._stock(cls.shirt, node, 5)
        # An express service nobody could use (no zone): a carrier's "-1" is never shown.
        cls._create_carrier("Nowhere Express", zones=(), service_level="express")

    def _decision(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        return order.oms_decision_id

    def test_in_the_readers_language_and_formats(self):
        decision = self._decision()
        english = decision.explanation
        self.assertIn("12/03/2026", english)
        self.assertIn("5.00", english)
        german = decision.with_context(lang="de_DE").explanation
        self.assertIn("03.12.2026", german)
        self.assertIn("5,00\xa0€", german)
        self.assertNotIn("2026-12", english + german, "no ISO date")

    def test_no_internal_codes(self):
        decision = self._decision()
        text = decision.explanation
        for code in INTERNAL:
            self.assertNotIn(code, text)
        self.assertIn("Not used: OFF - switched off for routing", text)
        # The twin that lost, in words: it was just as good.
        self.assertIn("would have been just as good", text)

    def test_unknown_reason_code_reads_as_words(self):
        decision = self._decision()
        line = self.env["oms.routing.decision.line"].create(
            {
                "decision_id": decision.id,
                "kind": "unfulfilled",
                "product_id": self.shirt.id,
                "quantity": 1,
                "reason": "package_cap_reached",
            }
        )
        self.assertEqual(line.reason_text, "package cap reached")
        data = dict(decision.explanation_data)
        data["plan"] = [
            *data["plan"],
            {"code": "not_sourced", "items": [[self.shirt.id, 1]], "why": "package_cap_reached"},
            {"code": "a_statement_of_the_future"},
        ]
        decision.explanation_data = data
        self.assertIn("Not sourced: 1 x Shirt - package cap reached.", decision.explanation)
        self.assertNotIn("a_statement_of_the_future", decision.explanation)

    def test_runner_up_says_in_words_why_it_lost(self):
        decision = self._decision()
        decision.explanation_data = {
            "plan": [
                {
                    "code": "runner_up",
                    "nodes": [self.twin_b.id],
                    "worse": {"cost": 2.5, "packages": 1},
                    "better": {"days": 1},
                }
            ]
        }
        self.assertEqual(
            decision.explanation,
            "Shipping from TWINB only was not chosen: it needs 1 package(s) more, it costs "
            "2.50\xa0€ more to ship, although it arrives 1 day(s) sooner.",
        )
        self.assertIn("2,50\xa0€", decision.with_context(lang="de_DE").explanation)

    def test_a_carrier_serving_only_its_zones_is_a_box_not_minus_one(self):
        carrier = self._create_carrier("Zones only", zones=(("", 1),))
        self.assertFalse(carrier.oms_serves_unzoned, "created with -1 days")
        carrier.oms_serves_unzoned = True
        self.assertEqual(carrier.oms_default_transit_days, 2)
        carrier.oms_serves_unzoned = False
        self.assertEqual(carrier.oms_default_transit_days, -1)

    def test_without_a_context_language_dates_follow_the_users_company(self):
        """The sync service and the crons route with no language in the context: dates and
        amounts are then in the language of the user's company, as Odoo's ``get_lang`` picks
        it, and that language is read once, in one query (``get_lang`` loads the user, the
        company and its address, every column of each, for it)."""
        decision = self._decision()
        self.env.user.company_id.partner_id.lang = "de_DE"
        plain = decision.with_context(lang=None)
        self.env.invalidate_all()
        with self.assertQueryCount(3):  # the language, the names of the node and carrier
            paragraphs = plain._explanation_paragraphs(parts=("now",))
        self.assertIn("03.12.2026", paragraphs[0])
        # The words stay those of the context (none: English); only the formats change.
        self.assertIn("Ships in", paragraphs[0])
        self.env.user.company_id.partner_id.lang = "en_US"
        self.env.invalidate_all()
        self.assertIn("12/03/2026", plain._explanation_paragraphs(parts=("now",))[0])

    def test_names_are_read_without_every_column(self):
        """A node's or carrier's display name is its name: rendering reads that column, not
        every column of the warehouse (the first access to a display name would)."""
        decision = self._decision()
        warehouse = decision.line_ids.warehouse_id[:1]
        self.env.invalidate_all()
        paragraphs = decision._explanation_paragraphs(parts=("now",))
        self.assertIn(warehouse.with_context(prefetch_fields=False).name, paragraphs[0])
        cache = self.env.cache
        self.assertTrue(cache.contains(warehouse, warehouse._fields["name"]))
        for name in ("code", "lot_stock_id", "partner_id"):
            self.assertFalse(cache.contains(warehouse, warehouse._fields[name]), name)
