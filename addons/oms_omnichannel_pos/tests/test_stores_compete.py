# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsStoreCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestStoresCompete(OmsStoreCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_c = cls._create_node(
            "STC",
            "10243",
            oms_priority=3,
            oms_node_kind="store",
            oms_ship_from_store=True,
        )
        cls._stock(cls.mug, cls.store_c, 5)
        cls.company.oms_store_offer_count = 2

    def _offers(self, order):
        return order.oms_store_order_ids.filtered("primary_id")

    def test_the_order_is_offered_to_the_next_best_store_too(self):
        order = self._web_order([(self.mug, 1)])
        primary = self._store_order(order)
        self.assertEqual(primary.warehouse_id, self.store_a)
        offer = self._offers(order)
        self.assertEqual(offer.warehouse_id, self.store_b, "the engine's runner-up, not the DC")
        self.assertEqual(offer.state, "new")
        self.assertEqual(offer.accept_deadline, primary.accept_deadline)
        self.assertFalse(offer.picking_id)
        self.assertEqual(offer.line_summary, "1 × [MUG] Stone Mug")

    def test_the_first_store_to_accept_wins(self):
        order = self._web_order([(self.mug, 1)])
        primary = self._store_order(order)
        offer = self._offers(order)
        answer = self._pos(self.staff_b).accept(offer.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(offer.state, "accepted")
        self.assertEqual(offer.accepted_by_id, self.staff_b)
        self.assertEqual(offer.picking_id.picking_type_id.warehouse_id, self.store_b)
        self.assertEqual(self._to_ship(order), {("STB", self.mug): 1.0})
        self.assertEqual(primary.state, "lost")
        self.assertEqual(order.oms_decision_id.trigger, "store_offer_won")
        self.assertIn("STB accepted the order first (Ben), before STA", order.oms_decision_id.explanation)
        late = self._pos(self.staff_a).accept(primary.id)
        self.assertFalse(late["ok"])
        self.assertEqual(late["message"], f"STB took {order.name} first.")

    def test_when_the_chosen_store_accepts_the_offers_close(self):
        order = self._web_order([(self.mug, 1)])
        offer = self._offers(order)
        self._pos(self.staff_a).accept(self._store_order(order).id)
        self.assertEqual(offer.state, "lost")
        late = self._pos(self.staff_b).accept(offer.id)
        self.assertFalse(late["ok"])
        self.assertIn("STA took", late["message"])

    def test_an_offer_store_that_sold_out_cannot_win(self):
        order = self._web_order([(self.mug, 1)])
        offer = self._offers(order)
        self._stock(self.mug, self.store_b, -5)
        answer = self._pos(self.staff_b).accept(offer.id)
        self.assertFalse(answer["ok"])
        self.assertIn("no longer has [MUG] Stone Mug to sell", answer["message"])
        self.assertEqual(self._to_ship(order), {("STA", self.mug): 1.0})
        self.assertEqual(self._store_order(order).state, "new")

    def test_a_declined_offer_leaves_the_order_where_it_is(self):
        order = self._web_order([(self.mug, 1)])
        offer = self._offers(order)
        answer = self._pos(self.staff_b).reject(offer.id, self.reason_other.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(offer.state, "rejected")
        self.assertEqual(self._to_ship(order), {("STA", self.mug): 1.0})
