from odoo import Command
from odoo.tests import tagged

from .common import OmsRoutingCase


@tagged("post_install", "-at_install")
class TestSellableStock(OmsRoutingCase):
    """Sellable = on hand - reserved - promised to confirmed deliveries - safety stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC")
        cls.shirt = cls._create_product("Shirt")
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf A", "location_id": cls.dc.lot_stock_id.id, "usage": "internal"}
        )
        cls._stock(cls.shirt, cls.dc, 6)
        cls.env["stock.quant"]._update_available_quantity(cls.shirt, cls.shelf, 4)

    def _sellable(self, safety=0.0):
        sellable = self.env["oms.sellable.stock"]._get_sellable(self.shirt, self.dc, safety)
        return sellable.get(self.dc, {}).get(self.shirt, 0.0)

    def _delivery(self, qty):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.dc.out_type_id.id,
                "location_id": self.dc.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "out",
                            "product_id": self.shirt.id,
                            "product_uom_qty": qty,
                            "product_uom": self.shirt.uom_id.id,
                            "location_id": self.dc.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def test_stock_location_and_its_children_count(self):
        self.assertEqual(self._sellable(), 10.0)

    def test_reserved_stock_is_not_sellable(self):
        delivery = self._delivery(3)
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(self._sellable(), 7.0)

    def test_unreserved_confirmed_deliveries_are_promised_stock(self):
        self.dc.out_type_id.reservation_method = "manual"
        delivery = self._delivery(3)
        self.assertEqual(delivery.state, "confirmed")
        self.assertEqual(self._sellable(), 7.0)

    def test_shortfall_is_not_counted_twice(self):
        # 12 ordered, 10 reserved: the 2 missing units make sellable go below zero, so the
        # node is not listed at all.
        self._delivery(12)
        self.assertEqual(self._sellable(), 0.0)

    def test_internal_moves_inside_the_node_promise_nothing(self):
        self.dc.int_type_id.reservation_method = "manual"
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.dc.int_type_id.id,
                "location_id": self.dc.lot_stock_id.id,
                "location_dest_id": self.shelf.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "restock",
                            "product_id": self.shirt.id,
                            "product_uom_qty": 2,
                            "product_uom": self.shirt.uom_id.id,
                            "location_id": self.dc.lot_stock_id.id,
                            "location_dest_id": self.shelf.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self.assertEqual(self._sellable(), 10.0)

    def test_safety_stock_is_held_back(self):
        self.assertEqual(self._sellable(safety=4), 6.0)
        self.assertEqual(self._sellable(safety=10), 0.0)

    def test_output_zone_of_a_multi_step_node_is_not_sellable(self):
        self.dc.delivery_steps = "pick_ship"
        self.env["stock.quant"]._update_available_quantity(
            self.shirt, self.dc.wh_output_stock_loc_id, 5
        )
        self.assertEqual(self._sellable(), 10.0)
