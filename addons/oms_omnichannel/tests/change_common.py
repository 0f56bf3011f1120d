# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Builders shared by the order-change tests (no test of its own): a retailer with a DC, a
store that ships and one that only hands over, an order from a shop channel."""

from odoo import Command

from .common import OmsRoutingCase


class OmsChangeCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id = [Command.link(cls.env.ref("uom.group_uom").id)]
        cls.dc = cls._create_node("DC")
        cls.north = cls._create_node("NORTH", zip_code="20095")
        cls.store = cls._create_node(
            "MITTE", oms_node_kind="store", oms_pickup_point=True, oms_ships_parcels=False
        )
        cls.shirt = cls._create_product("Shirt", default_code="CS-SHIRT")
        cls.cap = cls._create_product("Cap", default_code="CS-CAP")
        cls.egg = cls._create_product("Egg", default_code="CS-EGG", weight=0.05)
        cls._stock(cls.shirt, cls.dc, 2)
        cls._stock(cls.shirt, cls.north, 5)
        cls._stock(cls.cap, cls.dc, 10)
        cls._stock(cls.egg, cls.north, 100)
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.channel = cls.env["oms.channel"].create(
            {"name": "CS web shop", "code": "cs-webshop", "company_id": cls.company.id}
        )
        cls.express = cls._create_carrier("Express", zones=(("", 1),), service_level="express")
        cls.customer.write({"email": "ana.cs@example.com", "street": "Torstr. 1"})

    def _order(self, lines, **vals):
        order = self._create_order(lines, oms_channel_id=self.channel.id, **vals)
        for line in order.order_line:
            line.oms_external_line_id = f"li-{line.product_id.default_code}"
        order.action_confirm()
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _events(self, topic, order):
        self.env.cr.flush()  # what a commit does: the outbox is written at precommit
        return self.env["oms.outbox.event"].search(
            [("topic", "=", topic), ("res_id", "in", [order.id, *order.oms_refund_request_ids.ids])]
        )

    def _reserved(self, product, warehouse):
        quants = self.env["stock.quant"]._gather(product, warehouse.lot_stock_id)
        return sum(quants.mapped("reserved_quantity"))

    @staticmethod
    def _pick(picking):
        """A node starts preparing: quantities marked picked."""
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True

    @staticmethod
    def _ship(picking):
        CS = OmsChangeCase
        CS._pick(picking)
        picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()
