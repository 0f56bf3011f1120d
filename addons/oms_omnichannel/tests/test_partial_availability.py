from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestPartialAvailability(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC")
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        cls._stock(cls.shirt, cls.dc, 3)
        cls._stock(cls.cap, cls.dc, 5)

    def _channel(self, behaviour, **vals):
        return self.env["oms.channel"].create(
            {
                "name": behaviour,
                "code": f"test-{behaviour}",
                "unfulfillable_behaviour": behaviour,
                **vals,
            }
        )

    def _order(self, channel):
        order = self._create_order([(self.shirt, 5), (self.cap, 1)], oms_channel_id=channel.id)
        order.action_confirm()
        return order

    def test_backorder_ships_what_is_there(self):
        order = self._order(self._channel("backorder"))
        self.assertEqual(order.oms_routing_state, "backorder")
        decision = order.oms_decision_id
        self.assertEqual(decision.status, "partial")
        self.assertEqual(decision.unfulfilled_line_ids.product_id, self.shirt)
        self.assertEqual(decision.unfulfilled_line_ids.quantity, 2.0)
        self.assertEqual(
            self._shipped(order),
            {
                ("DC", self.shirt): 3.0,
                ("DC", self.cap): 1.0,
                (self.home.code, self.shirt): 2.0,
            },
        )

    def test_wait_releases_nothing_until_stock_arrives(self):
        order = self._order(self._channel("wait"))
        self.assertEqual(order.oms_routing_state, "waiting")
        self.assertFalse(order.picking_ids)
        # Nothing reserved: the caps remain sellable to others.
        self.assertEqual(self.cap.with_context(warehouse_id=self.dc.id).free_qty, 5.0)
        self._stock(self.shirt, self.dc, 2)
        self.env["sale.order"]._cron_oms_route_waiting()
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertEqual(self._shipped(order), {("DC", self.shirt): 5.0, ("DC", self.cap): 1.0})
        self.assertEqual(order.oms_decision_id.trigger, "retry")

    def test_wait_stays_waiting_while_stock_is_missing(self):
        order = self._order(self._channel("wait"))
        decision = order.oms_decision_id
        self.env["sale.order"]._cron_oms_route_waiting()
        self.assertEqual(order.oms_routing_state, "waiting")
        self.assertFalse(order.picking_ids)
        # Retrying does not pile up identical decisions.
        self.assertEqual(order.oms_decision_ids, decision)

    def test_hold_asks_a_person(self):
        order = self._order(self._channel("hold"))
        self.assertEqual(order.oms_routing_state, "hold")
        self.assertFalse(order.picking_ids)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Shirt", activity.note)
        # A person re-routes once stock came in: the activity is done.
        self._stock(self.shirt, self.dc, 2)
        order._oms_reroute()
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertFalse(order.activity_ids)

    def test_safety_stock_is_held_back_from_the_channel(self):
        channel = self._channel("backorder", safety_stock=2.0)
        order = self._create_order([(self.cap, 4)], oms_channel_id=channel.id)
        order.action_confirm()
        self.assertEqual(self._shipped(order)[("DC", self.cap)], 3.0)
        self.assertEqual(order.oms_decision_id.unfulfilled_line_ids.quantity, 1.0)

    def test_channel_sells_only_from_its_nodes(self):
        other = self._create_node("OTHER")
        self._stock(self.shirt, other, 10)
        channel = self._channel("backorder", warehouse_ids=[(6, 0, self.dc.ids)])
        order = self._create_order([(self.shirt, 5)], oms_channel_id=channel.id)
        order.action_confirm()
        self.assertNotIn(("OTHER", self.shirt), self._shipped(order))
        self.assertEqual(self._shipped(order)[("DC", self.shirt)], 3.0)
