# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .common import OmsReplenishmentCase


@tagged("post_install", "-at_install")
class TestComputeProposals(OmsReplenishmentCase):
    def test_skewed_demand_moves_shirts_to_the_store_and_buys_caps(self):
        self._compute()
        [transfer] = self._open(kind="transfer")
        self.assertEqual(transfer.source_warehouse_id, self.dc)
        self.assertEqual(transfer.warehouse_id, self.store)
        # 4 shirts a week, 7 days of cover plus its square root: ceil(4 + 2) = 6
        self.assertEqual(
            [(line.product_id, line.quantity) for line in transfer.line_ids], [(self.shirt, 6)]
        )
        [purchase] = self._open(kind="purchase")
        # Nobody holds caps: 2 a week at the store, ceil(2 + sqrt 2) = 4, bought at the DC.
        self.assertEqual((purchase.warehouse_id, purchase.product_id), (self.dc, self.cap))
        self.assertEqual(purchase.quantity, 4)
        self.assertEqual(purchase.for_warehouse_ids, self.store)

    def test_the_replay_counts_the_windows_orders_and_what_changes(self):
        self._compute()
        [transfer] = self._open(kind="transfer")
        self.assertEqual(transfer.replay_order_count, len(self.orders))
        # With 6 shirts at the store, the first 3 shirt orders are handed over from its shelf
        # instead of waiting for a transfer from Hamburg.
        self.assertEqual(transfer.orders_changed, 3)
        self.assertEqual(transfer.period_end, fields.Date.context_today(transfer))

    def test_orders_before_the_window_do_not_count(self):
        self.orders.write({"date_order": fields.Datetime.now() - timedelta(days=29)})
        self._compute()
        self.assertFalse(self._open())

    def test_computing_twice_proposes_each_once(self):
        first = self._compute()
        second = self._compute()
        self.assertEqual(second, first)
        self.assertEqual(len(self._open()), 2)

    def test_a_proposal_no_longer_made_is_outdated(self):
        self._compute()
        [transfer] = self._open(kind="transfer")
        # 16 of them go to the orders waiting at the store: 14 sellable, more than its 6.
        self._stock(self.shirt, self.store, 30)
        self._compute()
        self.assertEqual(transfer.state, "outdated")
        self.assertFalse(self._open(kind="transfer"))

    def test_the_reason_is_in_words_and_the_readers_formats(self):
        self._compute()
        [transfer] = self._open(kind="transfer")
        self.assertIn(
            "Send 6 units of Replenish Shirt from Hamburg DC to Store Mitte (255 km)",
            transfer.reason,
        )
        self.assertIn(format_amount(self.env, 12.05, self.company.currency_id), transfer.reason)
        self.assertEqual(
            transfer.line_ids.reason,
            "Store Mitte sells 4.0 a week and holds 0, short of the 6 that cover 7 days; "
            "Hamburg DC holds 84, 84 more than its own 0. Moves 6.",
        )
        [purchase] = self._open(kind="purchase")
        self.assertIn("Store Mitte sold 2.0 a week", purchase.reason)
        self.assertNotIn("RMITTE", transfer.reason + purchase.reason + transfer.line_ids.reason)
        self.assertIn(
            "serves 3 of them differently: 3 fewer packages (0.250 per order);",
            transfer.saving_summary,
        )
        self.assertTrue(transfer.saving_summary.endswith(". It pays for itself."))

    def test_numbers_and_dates_follow_the_readers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self._compute()
        [transfer] = self._open(kind="transfer")
        german = transfer.with_context(lang="de_DE")
        self.assertIn("sells 4,0 a week", german.line_ids.reason)
        self.assertIn("12,05", german.reason)
        day = german.period_end.strftime("%d.%m.%Y")
        self.assertIn(f"to {day} with this proposal", german.saving_summary)
        self.assertIn(
            f"to {format_date(self.env, transfer.period_end)} with", transfer.saving_summary
        )

    def test_settings_the_engine_cannot_use_are_refused_naming_them(self):
        with self.assertRaises(ValidationError) as caught:
            self.company.oms_replenishment_dc_cover_days = -1
        self.assertIn("DC Cover", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.company.oms_replenishment_days = 0

    def test_the_nightly_cron_computes_every_company(self):
        cron = self.env.ref("oms_replenishment.ir_cron_oms_replenishment")
        self.assertEqual(cron.code.strip(), "model._cron_run()")
        self.planner._cron_run()
        self.assertEqual(len(self._open()), 2)
