"""Customer service changes a quantity on a confirmed, routed order.

Odoo alone sends the difference to the order's warehouse with today's deadline: less merges
into no routed delivery and becomes a return receipt, more ships from the order's warehouse
whatever it holds. With routing, less comes off the deliveries the router chose and more is
routed like the rest of the order.
"""

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestQuantityChange(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_node("NORTH")
        cls.south = cls._create_node("SOUTH", zip_code="20095")
        cls.shirt = cls._create_product("Shirt")
        cls.sock = cls._create_product("Sock")
        cls._stock(cls.shirt, cls.north, 10)
        cls._stock(cls.sock, cls.south, 10)

    def _split_order(self):
        order = self._create_order([(self.shirt, 2), (self.sock, 3)])
        order.action_confirm()
        self.assertEqual(
            self._shipped(order), {("NORTH", self.shirt): 2.0, ("SOUTH", self.sock): 3.0}
        )
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _receipts(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")

    def test_less_comes_off_the_routed_delivery(self):
        order = self._split_order()
        self._line(order, self.sock).product_uom_qty = 1
        self._line(order, self.shirt).product_uom_qty = 1
        self.assertEqual(
            self._shipped(order), {("NORTH", self.shirt): 1.0, ("SOUTH", self.sock): 1.0}
        )
        self.assertFalse(self._receipts(order), "nothing was shipped: nothing comes back")
        self.assertEqual(len(self._deliveries(order)), 2)

    def test_more_is_routed_like_the_order(self):
        order = self._split_order()
        first = order.oms_decision_id
        self._line(order, self.sock).product_uom_qty = 5
        # The order's warehouse holds no socks: the 2 more ship from SOUTH, like the 3.
        self.assertEqual(
            self._shipped(order), {("NORTH", self.shirt): 2.0, ("SOUTH", self.sock): 5.0}
        )
        self.assertEqual(order.oms_decision_id.trigger, "change")
        self.assertNotEqual(order.oms_decision_id, first)
        self.assertEqual(order.oms_decision_id.line_ids.product_id, self.sock)
        self.assertEqual(sum(order.oms_decision_id.line_ids.mapped("quantity")), 2.0)

    def test_less_never_touches_what_was_shipped(self):
        order = self._split_order()
        delivery = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.south
        )
        delivery.move_ids.quantity = 1
        delivery.move_ids.picked = True
        delivery._action_done()  # 1 of 3 shipped, the other 2 on a backorder
        self._line(order, self.sock).product_uom_qty = 2
        backorder = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.south and p.state != "done"
        )
        self.assertEqual(backorder.move_ids.product_uom_qty, 1.0)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.move_ids.quantity, 1.0)
        self.assertFalse(self._receipts(order))
