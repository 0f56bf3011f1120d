# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Money at the till: paying a reservation before the hand-over, and the endless aisle."""

import json

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING
from .pos_common import OmsStoreTillCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestTill(OmsStoreTillCase):
    def _reserved(self, lines):
        order = self._pickup_order(lines, oms_payment_method="pay_in_store")
        store_order = self._store_order(order)
        self._pos().accept(store_order.id, config_id=self.till.id)
        self._pos().pack(store_order.id, self._pick_all(store_order), config_id=self.till.id)
        self.assertEqual(store_order.state, "ready")
        return order, store_order

    def _on_hand(self, product, store):
        return product.with_context(warehouse_id=store.id).qty_available

    # ------------------------------------------------------------------ hand-over

    def test_paid_at_the_till_then_handed_over(self):
        order, store_order = self._reserved([(self.mug, 2)])
        self.assertEqual(store_order.amount_due, 24.0)
        pos_order = self._pay_at_till(order)
        self.assertEqual(pos_order.state, "paid")
        self.assertFalse(
            pos_order.picking_ids, "the till moves no stock: the order's delivery does"
        )
        self.assertEqual(order.amount_unpaid, 0.0)
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(store_order.amount_due, 0.0)
        # pos_sale's settlement left the order's own delivery alone.
        self.assertEqual(store_order.picking_id.state, "assigned")
        self.assertEqual(store_order.picking_id.move_ids.product_uom_qty, 2.0)
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        answer = self._pos().handover(store_order.id, "Ana", config_id=self.till.id)
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(order.order_line.qty_delivered, 2.0, "delivered once, by the hand-over")
        self.assertEqual(self._on_hand(self.mug, self.store_a), 3.0)

    def test_the_refused_part_is_not_paid_at_the_till(self):
        order, store_order = self._reserved([(self.mug, 2)])
        move = store_order.picking_id.move_ids
        self._pay_at_till(order, [(order.order_line, 1)])
        self.assertEqual(order.amount_unpaid, 12.0)
        answer = self._pos().handover(store_order.id, "Ana", collected={move.id: 1})
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(order.order_line.product_uom_qty, 1.0)
        self.assertEqual(order.amount_unpaid, 0.0)
        self.assertFalse(
            self.env["oms.refund.request"].search([("sale_order_id", "=", order.id)]),
            "the till took only what the customer took: nothing to refund",
        )
        self.assertEqual(self._on_hand(self.mug, self.store_a), 4.0)

    def test_a_till_of_another_store_cannot_hand_over(self):
        self.store_a.oms_routing_enabled = False
        order = self._pickup_order([(self.mug, 1)], store=self.store_b, oms_payment_status="paid")
        store_order = self._store_order(order)
        service = self._create_user(
            "pos19_service", groups="oms_omnichannel.group_oms_customer_service"
        )
        with self.assertRaisesRegex(
            Exception, "Till STA belongs to STA: it cannot act on an order of STB"
        ):
            self._pos(service).accept(store_order.id, config_id=self.till.id)

    # ------------------------------------------------------------------ the bus

    def _store_news(self):
        """What the bus carries to the till: the payloads of OMS_STORE_ORDERS messages."""
        self.env.cr.flush()  # what a commit does: the bus messages are written
        token = self.till.access_token
        messages = (
            self.env["bus.bus"].sudo().search([("channel", "like", f'"{token}"')], order="id")
        )
        return [
            json.loads(message.message)["payload"]
            for message in messages
            if json.loads(message.message)["type"] == f"{token}-OMS_STORE_ORDERS"
        ]

    def test_a_new_order_rings_at_the_open_till(self):
        order = self._web_order([(self.mug, 1)])
        store_order = self._store_order(order)
        self.assertEqual(
            self._store_news()[-1], {"ids": store_order.ids, "new_ids": store_order.ids}
        )
        self._pos().accept(store_order.id)
        self.assertEqual(self._store_news()[-1], {"ids": store_order.ids, "new_ids": []})
        # Another store's order is not news here.
        news = len(self._store_news())
        self.store_a.oms_routing_enabled = False
        self._web_order([(self.mug, 1)])
        self.assertEqual(len(self._store_news()), news)

    def test_a_till_calling_is_heard_from(self):
        self._pos().find(self.till.id, "Ana")
        seen = self.env["oms.node.signal"].search(
            [("kind", "=", "pos_seen"), ("warehouse_id", "=", self.store_a.id)]
        )
        self.assertEqual(seen.key, f"till {self.till.id}")
        self.assertEqual((seen.res_model, seen.res_id), ("pos.config", self.till.id))

    def test_the_till_loads_its_store_s_queue(self):
        mine = self._store_order(self._web_order([(self.mug, 1)]))
        self.store_a.oms_routing_enabled = False
        theirs = self._store_order(self._web_order([(self.mug, 1)]))
        loaded = self.pos_session.with_user(self.staff_a).load_data(
            ["pos.config", "oms.store.order", "oms.store.reject.reason"]
        )
        ids = [row["id"] for row in loaded["oms.store.order"]["data"]]
        self.assertIn(mine.id, ids)
        self.assertNotIn(theirs.id, ids)
        reasons = [row["name"] for row in loaded["oms.store.reject.reason"]["data"]]
        self.assertIn("Not on the shelf", reasons)
        staff_b_sees = self.pos_session.with_user(self.staff_b).load_data(
            ["pos.config", "oms.store.order"]
        )
        self.assertEqual(
            staff_b_sees["oms.store.order"]["data"], [], "store B's staff on store A's till"
        )

    # ------------------------------------------------------------------ endless aisle

    def _walk_in(self, name="Walk-in", **vals):
        """A customer the till created (as the POS does for a new customer)."""
        return self.env["res.partner"].with_user(self.staff_a).sudo().create({"name": name, **vals})

    def test_the_cashier_sees_where_the_network_has_it(self):
        self._web_order([(self.mug, 1)])  # the customer is one of store A's
        self._stock(self.shirt, self.store_a, -5)
        availability = self._pos().availability(self.till.id, self.shirt.id, 2, self.customer.id)
        self.assertEqual(availability["here"], 0.0)
        self.assertEqual(availability["network"], 25.0)
        self.assertEqual(
            [(n["name"], n["sellable"]) for n in availability["nodes"]],
            [("DCX", 20.0), ("STB", 5.0)],
        )
        self.assertTrue(availability["ship"]["possible"])
        self.assertEqual(availability["ship"]["date"], "12/03/2026")
        self.assertTrue(availability["ship_to_customer"])
        self.assertEqual([p["name"] for p in availability["pickup"]], ["STB"])

    def test_the_aisle_offers_what_the_till_s_channel_may_sell(self):
        # Another channel owns 15 of DCX's shirts (as oms_channel_stock's fences do, through
        # the channel's sellable rows): the till offers the rest only, and promises from it.
        self._web_order([(self.mug, 1)])  # the customer is one of store A's
        self._stock(self.shirt, self.store_a, -5)
        Channel = type(self.env["oms.channel"])
        rows = Channel._oms_sellable_rows

        def fenced(channel_model, products, warehouses, pairs=None, channels=None):
            result = rows(channel_model, products, warehouses, pairs=pairs, channels=channels)
            for row in result:
                if row["warehouse"] == "DCX":
                    row["sellable"] = max(0.0, row["sellable"] - 15)
            return result

        self.patch(Channel, "_oms_sellable_rows", fenced)
        availability = self._pos().availability(self.till.id, self.shirt.id, 2, self.customer.id)
        self.assertEqual(
            [(n["name"], n["sellable"]) for n in availability["nodes"]],
            [("DCX", 5.0), ("STB", 5.0)],
        )
        self.assertEqual(availability["network"], 10.0)
        fenced_out = self._pos().availability(self.till.id, self.shirt.id, 11, self.customer.id)
        self.assertFalse(fenced_out["ship"]["possible"], "11 would need the fenced units")

    def test_sold_for_home_delivery_it_becomes_a_routed_order(self):
        self._stock(self.shirt, self.store_a, -5)
        customer = self._walk_in(
            "Ben Walker", street="Torstr. 5", zip="10119", city="Berlin", country_id=self.germany.id
        )
        answer = self._pos().sell_elsewhere(
            self.till.id, customer.id, [[self.shirt.id, 2]], "ship", key="till-sta-ea-1"
        )
        self.assertTrue(answer["ok"], answer)
        order = self.env["sale.order"].browse(answer["sale_order_id"])
        self.assertEqual(order.state, "draft", "confirmed once paid")
        again = self._pos().sell_elsewhere(
            self.till.id, customer.id, [[self.shirt.id, 2]], "ship", key="till-sta-ea-1"
        )
        self.assertEqual(again["sale_order_id"], order.id, "one order per till request")
        pos_order = self._pay_at_till(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertFalse(pos_order.picking_ids)
        self.assertEqual(self._shipped(order), {("STB", self.shirt): 2.0})
        self.assertEqual(order.oms_channel_id.kind, "pos")

    def test_selling_for_home_delivery_needs_an_address(self):
        walk_in = self._walk_in()
        answer = self._pos().sell_elsewhere(self.till.id, walk_in.id, [[self.shirt.id, 1]], "ship")
        self.assertFalse(answer["ok"])
        self.assertIn("has no complete address", answer["message"])
        answer = self._pos().sell_elsewhere(
            self.till.id,
            walk_in.id,
            [[self.shirt.id, 1]],
            "pickup",
            pickup_warehouse_id=self.store_b.id,
        )
        self.assertTrue(answer["ok"], answer)
