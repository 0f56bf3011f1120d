# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier's stock file becomes the node's stock: all of it, or - with any bad line -
nothing, each bad line said with its reason."""

from ..models.oms_dropship_stock_feed import FeedRefused
from .common import OmsDropshipCase


class TestStockFeed(OmsDropshipCase):
    def _on_hand(self, product, node=None):
        node = node or self.supplier_a
        return sum(
            self.env["stock.quant"]
            ._gather(product, node.lot_stock_id, strict=True)
            .mapped("quantity")
        )

    def _apply(self, data, node=None):
        return (
            self.env["oms.dropship.stock.feed"]
            .with_user(self.user_a)
            ._apply((node or self.supplier_a).sudo(), data)
        )

    def _refused(self, data):
        with self.assertRaises(FeedRefused) as caught:
            self._apply(data)
        return caught.exception.errors

    def _inventory_moves(self):
        return self.env["stock.move"].search_count(
            [
                ("is_inventory", "=", True),
                ("location_dest_id", "=", self.supplier_a.lot_stock_id.id),
            ]
        ) + self.env["stock.move"].search_count(
            [("is_inventory", "=", True), ("location_id", "=", self.supplier_a.lot_stock_id.id)]
        )

    def test_upload_sets_the_node_stock(self):
        result = self._apply(b"sku,quantity\nLAMP-1,25\nCHAIR-1,0\n")
        self.assertEqual(result, {"lines": 2, "changed": 2})
        self.assertEqual(self._on_hand(self.lamp), 25.0)
        self.assertEqual(self._on_hand(self.chair), 0.0)
        self.assertEqual(self._on_hand(self.lamp, self.supplier_b), 10.0)
        sellable = self.env["oms.sellable.stock"]._get_sellable(self.lamp, self.supplier_a)
        self.assertEqual(sellable[self.supplier_a][self.lamp], 25.0)

    def test_same_file_again_changes_nothing(self):
        data = b"\xef\xbb\xbfSKU;Quantity\r\nLAMP-1;7\r\n"
        self._apply(data)
        moves = self._inventory_moves()
        self.assertEqual(self._apply(data), {"lines": 1, "changed": 0})
        self.assertEqual(self._inventory_moves(), moves)
        self.assertEqual(self._on_hand(self.lamp), 7.0)

    def test_bad_lines_are_refused_one_by_one_and_nothing_applies(self):
        for code in ("P3", "P5", "P6", "P7"):
            self._create_product(code, default_code=code)
        errors = self._refused(
            b"sku,quantity\n"
            b"LAMP-1,3\n"
            b"NOPE-9,4\n"
            b"CHAIR-1,-2\n"
            b"LAMP-1,5\n"
            b"P3,lots\n"
            b",1\n"
            b"P5,1.001\n"
            b"P6,1,2\n"
            b"P7,\xff\xfe\n"
        )
        self.assertEqual([line for line, _reason in errors], [3, 4, 5, 6, 7, 8, 9, 10])
        reasons = dict(errors)
        self.assertIn("Unknown SKU NOPE-9", reasons[3])
        self.assertIn("cannot be negative", reasons[4])
        self.assertIn("already on line 2", reasons[5])
        self.assertIn("not a number", reasons[6])
        self.assertIn("SKU is missing", reasons[7])
        self.assertIn("cannot be counted in Units (steps of 0.01)", reasons[8])
        self.assertIn("Expected 2 values", reasons[9])
        self.assertIn("Not UTF-8", reasons[10])
        # The good line 2 was not applied either.
        self.assertEqual(self._on_hand(self.lamp), 10.0)
        self.assertEqual(self._on_hand(self.chair), 10.0)

    def test_wrong_header_is_refused(self):
        errors = self._refused(b"product,qty\nLAMP-1,3\n")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0][0], 1)
        self.assertIn("sku,quantity", errors[0][1])
        self.assertEqual(self._on_hand(self.lamp), 10.0)

    def test_not_a_text_file_is_refused(self):
        errors = self._refused(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U\x13\x00")
        self.assertEqual(errors[0][0], 1)
        self.assertIn("Not UTF-8", errors[0][1])

    def test_empty_file_is_refused(self):
        self.assertIn("empty", self._refused(b"")[0][1])
        self.assertIn("no stock lines", self._refused(b"sku,quantity\n\n")[0][1])

    def test_a_service_sku_is_refused(self):
        self.env["product.product"].create(
            {"name": "Assembly", "type": "service", "default_code": "SERVICE-1"}
        )
        errors = self._refused(b"sku,quantity\nSERVICE-1,1\n")
        self.assertIn("not a product whose stock is counted", errors[0][1])
