from freezegun import freeze_time
from lxml import etree
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderOverview(OmsRoutingCase):
    """What the Omnichannel orders overview shows: the stage of each order in its life, the
    nodes that carry it, the channels' orders only by default, and the whole routing history
    behind the order's smart button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC", oms_node_kind="dc")
        cls.store = cls._create_node(
            "STORE",
            oms_node_kind="store",
            oms_ship_from_store=True,
            oms_pickup_point=True,
            oms_handling_cost=9.0,
        )
        cls.shirt = cls._create_product("Shirt")
        cls.lamp = cls._create_product("Lamp")
        # Shirts in the DC, lamps in the store: an order of both ships in two packages.
        cls._stock(cls.shirt, cls.dc, 10)
        cls._stock(cls.lamp, cls.store, 10)

        def channel(kind, behaviour):
            return cls.env["oms.channel"].create(
                {
                    "name": kind,
                    "code": f"overview-{kind}",
                    "kind": kind,
                    "unfulfillable_behaviour": behaviour,
                    "company_id": cls.company.id,
                }
            )

        cls.web = channel("webshop", "backorder")
        cls.phone = channel("phone", "hold")
        cls.pos = channel("pos", "wait")

    def _order(self, lines, channel=None, **vals):
        return self._create_order(lines, oms_channel_id=(channel or self.web).id, **vals)

    @staticmethod
    def _deliver(picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()

    def test_stage_follows_the_order_through_its_life(self):
        order = self._order([(self.shirt, 1), (self.lamp, 1)])
        self.assertEqual(order.oms_stage, "quotation")
        order.action_confirm()
        self.assertEqual(order.oms_stage, "fulfilment")
        first, second = self._deliveries(order).sorted("id")
        self._deliver(first)
        self.assertEqual(order.oms_stage, "partial")
        self._deliver(second)
        self.assertEqual(order.oms_stage, "done")

    def test_stage_of_orders_routing_could_not_source(self):
        held = self._order([(self.shirt, 50)], channel=self.phone)
        waiting = self._order([(self.shirt, 50)], channel=self.pos)
        (held | waiting).action_confirm()
        self.assertEqual(held.oms_stage, "hold")
        self.assertEqual(waiting.oms_stage, "waiting")

    def test_click_and_collect_is_ready_when_the_store_has_it(self):
        order = self._order(
            [(self.lamp, 1)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=self.store.id
        )
        order.action_confirm()
        self.assertEqual(order.oms_stage, "ready")
        self._deliver(self._deliveries(order))
        self.assertEqual(order.oms_stage, "done")

    def test_cancelled_order(self):
        order = self._order([(self.shirt, 1)])
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.oms_stage, "cancel")

    def test_nodes_are_those_of_the_open_deliveries(self):
        order = self._order([(self.shirt, 1), (self.lamp, 1)])
        order.action_confirm()
        self.assertEqual(order.oms_node_ids, self.dc | self.store)
        # Group by node: a split order counts in both.
        groups = dict(
            self.env["sale.order"]._read_group(
                [("id", "=", order.id)], ["oms_node_ids"], ["__count"]
            )
        )
        self.assertEqual(groups, {self.dc: 1, self.store: 1})
        # The DC goes down: its delivery is cancelled, the shirt waits at the order's home.
        self._stock(self.shirt, self.store, 5)
        order._oms_reroute(excluded_warehouses=self.dc)
        self.assertEqual(order.oms_node_ids, self.store)
        self.assertFalse(self.env["sale.order"].search([("oms_node_ids", "=", self.dc.id)]) & order)

    def test_overview_shows_the_channels_orders_by_default(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_omnichannel.sale_order_action")
        context = safe_eval(action["context"])
        self.assertEqual(context.get("search_default_oms_omnichannel"), 1)
        search = etree.fromstring(
            self.env["sale.order"].get_view(action["search_view_id"][0], "search")["arch"]
        )
        [default_filter] = search.xpath("//filter[@name='oms_omnichannel']")
        domain = safe_eval(default_filter.get("domain"))
        ours = self._order([(self.shirt, 1)])
        odoo_sample = self._create_order([(self.shirt, 1)])
        found = self.env["sale.order"].search([*domain, ("id", "in", (ours | odoo_sample).ids)])
        self.assertEqual(found, ours)

    def test_smart_button_opens_the_whole_history(self):
        order = self._order([(self.shirt, 1), (self.lamp, 1)])
        order.action_confirm()
        order._oms_reroute()
        self.assertEqual(len(order.oms_decision_ids), 2)
        form = etree.fromstring(self.env["sale.order"].get_view(view_type="form")["arch"])
        [button] = form.xpath("//button[.//field[@name='oms_routing_state']]")
        action = self.env["ir.actions.act_window"].browse(int(button.get("name")))
        self.assertNotIn("search_default_current", action.context or "")
        self.assertNotIn("search_default_current", button.get("context") or "")
        domain = safe_eval(action.domain, {"active_id": order.id})
        self.assertEqual(self.env["oms.routing.decision"].search(domain), order.oms_decision_ids)
