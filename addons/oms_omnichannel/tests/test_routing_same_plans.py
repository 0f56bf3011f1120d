from collections import defaultdict

from freezegun import freeze_time
from odoo import Command
from odoo.tests import tagged

from ..models.oms_network import engine
from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRoutingSamePlans(OmsRoutingCase):
    """Routing reads the network's nodes from what each process keeps instead of the
    warehouses: the engine gets the same stock, makes the same plans, and the decision says
    the same, as when every warehouse was read on every routing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nodes = cls.env["stock.warehouse"]
        for code, zip_code, vals in (
            ("NORTH", "20095", {}),
            ("SOUTH", "80331", {"oms_daily_capacity": 50}),
            ("WEST", "50667", {"oms_priority": 2}),
            ("EAST", "01067", {"oms_node_kind": "store", "oms_ship_from_store": True}),
            ("OFF", "10115", {"oms_routing_enabled": False}),
        ):
            cls.nodes |= cls._create_node(code, zip_code, **vals)
        cls.products = cls.env["product.product"]
        for name in ("Boots", "Coat", "Scarf", "Gloves"):
            cls.products |= cls._create_product(name)
        boots, coat, scarf, gloves = cls.products
        north, south, west, east, off = cls.nodes
        for product, node, qty in (
            (boots, north, 3),
            (boots, south, 2.5),  # a fraction of a unit is not sellable
            (boots, east, 1),
            (coat, south, 4),
            (coat, west, 9),
            (scarf, north, 1),
            (scarf, west, 6),
            (gloves, off, 20),
            (gloves, east, 2),
        ):
            cls._stock(product, node, qty)
        cls.shop = cls.env["oms.channel"].create(
            {
                "name": "Shop",
                "code": "same-plans-shop",
                "company_id": cls.company.id,
                "safety_stock": 1.0,
            }
        )
        cls.stores_only = cls.env["oms.channel"].create(
            {
                "name": "Stores",
                "code": "same-plans-stores",
                "company_id": cls.company.id,
                "warehouse_ids": [Command.set((west | east).ids)],
            }
        )

    def _every_warehouse_read(self, order, products, warehouses):
        """The engine stock as routing computed it from the warehouse records."""
        channel = order.oms_channel_id
        allowed = (channel.warehouse_ids & warehouses) if channel.warehouse_ids else warehouses
        sellable = self.env["oms.sellable.stock"]._get_sellable(
            products, allowed, channel.safety_stock
        )
        network = self.env["oms.network"]
        stock = defaultdict(dict)
        for warehouse, per_product in sellable.items():
            for product, qty in per_product.items():
                if int(qty) > 0:
                    stock[network._sku(product)][network._node_id(warehouse)] = int(qty)
        return stock

    def _orders(self):
        boots, coat, scarf, gloves = self.products
        lines = [(boots, 4), (coat, 2), (scarf, 1), (gloves, 1)]
        return [
            self._create_order(lines),
            self._create_order(lines, oms_channel_id=self.shop.id),
            self._create_order(lines, oms_channel_id=self.stores_only.id),
            self._create_order([(coat, 12), (gloves, 2)], oms_allow_split=False),
        ]

    def test_same_stock_plans_and_decisions(self):
        router = self.env["oms.router"].with_company(self.company)
        network_model = self.env["oms.network"].with_company(self.company)
        policy = self.env["oms.sourcing.policy"]._get_default_policy()
        warehouses = network_model._get_nodes(self.company)
        self.assertEqual(len(warehouses), 6)  # the five above and the company's own
        by_code = {network_model._node_id(wh): wh for wh in warehouses}
        for order in self._orders():
            demand = router._get_demand(order.order_line)
            products = self.env["product.product"].concat(*demand)
            network = network_model._get_network(self.company, policy)
            network_model._ensure_products(network, products)
            stock = router._get_engine_stock(order, products, warehouses)
            self.assertEqual(stock, self._every_warehouse_read(order, products, warehouses))
            engine_order = router._prepare_engine_order(
                order, demand, self.env["stock.warehouse"], warehouses
            )
            plan = engine.route(network, engine_order, stock)
            reference = engine.route(
                network, engine_order, self._every_warehouse_read(order, products, warehouses)
            )
            self.assertEqual(plan.shipments, reference.shipments)
            self.assertEqual(plan.unfulfilled, reference.unfulfilled)
            by_node = network_model._get_warehouse_by_node(warehouses)
            self.assertEqual(
                router._prepare_decision_line_vals(plan, by_node),
                router._prepare_decision_line_vals(plan, by_code),
            )
            self.assertEqual(
                router._plan_statements(plan, by_node), router._plan_statements(plan, by_code)
            )
        self.assertEqual(
            network_model._get_capacity_limited(warehouses),
            warehouses.filtered("oms_daily_capacity"),
        )

    def test_plans_use_the_stock_where_it_is(self):
        # The comparison above must compare something: the orders split, hold back the
        # safety stock, keep to the channel's nodes and leave units unsourced.
        router = self.env["oms.router"].with_company(self.company)
        warehouses = self.env["oms.network"]._get_nodes(self.company)
        everywhere, shop, stores, _whole = self._orders()
        products = self.products
        stock = router._get_engine_stock(everywhere, products, warehouses)
        boots, coat, _scarf, gloves = (str(p.id) for p in products)
        self.assertEqual(stock[boots], {"NORTH": 3, "SOUTH": 2, "EAST": 1})
        self.assertEqual(stock[gloves], {"OFF": 20, "EAST": 2})
        self.assertEqual(
            router._get_engine_stock(shop, products, warehouses)[boots], {"NORTH": 2, "SOUTH": 1}
        )
        self.assertEqual(
            set(router._get_engine_stock(stores, products, warehouses)[coat]), {"WEST"}
        )
        everywhere.action_confirm()
        self.assertEqual(len(self._deliveries(everywhere)), 3)
