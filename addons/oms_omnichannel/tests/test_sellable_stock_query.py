from unittest.mock import patch

from odoo.tests import tagged

from ..models import oms_sellable_stock
from .sellable_common import OmsSellableCase


@tagged("post_install", "-at_install")
class TestSellableStockQuery(OmsSellableCase):
    """The sellable stock of every node is the same as the path-matching query counted it:
    the node's stock location and everything below it, whichever warehouse Odoo's stored
    field says a location belongs to; input, output and packing zones do not sell; moves
    leaving the stock location promise what they have not reserved yet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._create_node(
            "BIG", reception_steps="three_steps", delivery_steps="pick_pack_ship"
        )
        cls.small = cls._create_node("SMALL")
        cls.empty = cls._create_node("EMPTY")
        cls.apple, cls.pear, cls.plum = (
            cls._create_product("Apple"),
            cls._create_product("Pear"),
            cls._create_product("Plum"),
        )
        cls.shelf = cls._location("Shelf", cls.big.lot_stock_id)
        cls.bin = cls._location("Bin", cls.shelf)
        cls.transit = cls._location("Dock", cls.big.lot_stock_id, usage="transit")
        # A shelf moved from one store to another with its bin: Odoo 18 recomputes the
        # stored warehouse of the shelf, not of the bin below it.
        cls.moved_shelf = cls._location("Moved shelf", cls.big.lot_stock_id)
        cls.moved_bin = cls._location("Moved bin", cls.moved_shelf)
        cls.moved_shelf.location_id = cls.small.lot_stock_id
        customers = cls.env.ref("stock.stock_location_customers")
        for product, location, qty in (
            (cls.apple, cls.big.lot_stock_id, 10),
            (cls.apple, cls.shelf, 5),
            (cls.apple, cls.bin, 3),
            (cls.pear, cls.bin, 2),
            (cls.apple, cls.big.wh_input_stock_loc_id, 7),
            (cls.apple, cls.big.wh_output_stock_loc_id, 4),
            (cls.pear, cls.big.wh_pack_stock_loc_id, 6),
            (cls.apple, cls.transit, 9),
            (cls.apple, cls.small.lot_stock_id, 8),
            (cls.pear, cls.small.lot_stock_id, 1),
            (cls.apple, cls.moved_bin, 4),
            (cls.plum, cls.big.lot_stock_id, 50),
        ):
            cls.env["stock.quant"]._update_available_quantity(product, location, qty)
        cls.env["stock.quant"]._update_reserved_quantity(cls.apple, cls.big.lot_stock_id, 1)
        for product, source, destination, qty, state in (
            (cls.apple, cls.big.lot_stock_id, customers, 6, "confirmed"),
            (cls.apple, cls.shelf, cls.bin, 2, "confirmed"),  # stays in the node
            (cls.apple, cls.big.wh_input_stock_loc_id, cls.big.lot_stock_id, 5, "confirmed"),
            (cls.apple, cls.bin, cls.big.wh_output_stock_loc_id, 3, "confirmed"),
            (cls.apple, cls.small.lot_stock_id, cls.big.lot_stock_id, 1, "confirmed"),
            (cls.apple, cls.moved_bin, customers, 2, "partially_available"),
            (cls.apple, cls.empty.lot_stock_id, customers, 3, "confirmed"),
            (cls.apple, cls.big.lot_stock_id, customers, 2, "assigned"),
            (cls.apple, cls.big.lot_stock_id, customers, 2, "done"),
            (cls.apple, cls.big.lot_stock_id, customers, 2, "cancel"),
            (cls.apple, cls.big.lot_stock_id, customers, 2, "waiting"),
            (cls.plum, cls.big.lot_stock_id, customers, 1, "confirmed"),
        ):
            cls._move(product, source, destination, qty, state)
        # A real partial reservation: 12 pears asked from the bin, 2 there.
        partial = cls._move(cls.pear, cls.bin, customers, 12, "draft")
        partial._action_confirm()
        partial._action_assign()
        cls.partial = partial

    def test_the_fixture_covers_what_it_claims(self):
        self.assertEqual(self.partial.state, "partially_available")
        self.assertEqual(self.partial.quantity, 2)
        self.assertEqual(self.moved_bin.warehouse_id, self.big)  # Odoo's stored field lags
        self.assertTrue(self.moved_bin.parent_path.startswith(self.small.lot_stock_id.parent_path))

    def test_same_as_the_path_matching_query(self):
        products = self.apple | self.pear
        warehouses = self.big | self.small | self.empty | self.home
        free = self.env["oms.sellable.stock"]._get_on_hand_free(products, warehouses)
        self.assertEqual(free, self._path_matching(products, warehouses))

    def test_same_for_any_subset_of_nodes_and_products(self):
        sellable = self.env["oms.sellable.stock"]
        for products in (self.apple, self.pear, self.apple | self.pear | self.plum):
            for warehouses in (self.big, self.small, self.empty, self.small | self.empty):
                self.assertEqual(
                    sellable._get_on_hand_free(products, warehouses),
                    self._path_matching(products, warehouses),
                    f"{products.mapped('name')} at {warehouses.mapped('code')}",
                )

    def test_same_when_python_keeps_the_given_nodes(self):
        """Past a few nodes the query reads every node's rows and Python keeps the given
        ones: the same figures, for any subset."""
        sellable = self.env["oms.sellable.stock"]
        with patch.object(oms_sellable_stock, "FILTERED_NODES", 0):
            for products in (self.apple, self.pear, self.apple | self.pear | self.plum):
                for warehouses in (
                    self.big,
                    self.small | self.empty,
                    self.big | self.small | self.empty | self.home,
                ):
                    self.assertEqual(
                        sellable._get_on_hand_free(products, warehouses),
                        self._path_matching(products, warehouses),
                        f"{products.mapped('name')} at {warehouses.mapped('code')}",
                    )

    def test_fractions_of_a_unit_add_up_as_the_database_adds_them(self):
        """1.17 + 2.26 + 0.57 is four whole units, as SQL's SUM counts it; adding the three
        floats gives 3.9999999999999996 in whichever order, three units."""
        rope = self._create_product("Rope")
        for location, qty in ((self.big.lot_stock_id, 1.17), (self.shelf, 2.26), (self.bin, 0.57)):
            self.env["stock.quant"]._update_available_quantity(rope, location, qty)
        router = self.env["oms.router"]
        order = self._create_order([(rope, 4)])
        nodes = self.big | self.small
        for few in (True, False):
            with patch.object(oms_sellable_stock, "FILTERED_NODES", 100 if few else 0):
                free = self.env["oms.sellable.stock"]._get_on_hand_free(rope, nodes)
                self.assertEqual(free, {(self.big.id, rope.id): 4.0})
                stock = router._get_engine_stock(order, rope, nodes)
                self.assertEqual(stock, {str(rope.id): {self.big.code: 4}})

    def test_what_counts_where(self):
        free = self.env["oms.sellable.stock"]._get_on_hand_free(
            self.apple | self.pear, self.big | self.small | self.empty
        )
        # BIG: 10 - 1 reserved + 5 + 3 on its shelves; not the input, output, packing zone
        # or the transit dock; minus 6 to customers and 3 to its output zone.
        self.assertEqual(free[self.big.id, self.apple.id], 18 - 1 - 6 - 3)
        # Pears: 2 in the bin, reserved by the partial move, whose 10 others are promised.
        self.assertEqual(free[self.big.id, self.pear.id], 2 - 2 - 10)
        # SMALL: its stock and the moved bin's, minus what leaves for BIG and the customer.
        self.assertEqual(free[self.small.id, self.apple.id], 8 + 4 - 1 - 2)
        self.assertEqual(free[self.empty.id, self.apple.id], -3)
