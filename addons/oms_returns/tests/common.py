# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small retailer whose orders were delivered and may come back.

DC Hamburg inspects and repairs (triage); Store Mitte sells shirts every day, Store Nord
sells none; the customer paid 25.00 a shirt (the shop's price, below the list price of
30.00) and 8.00 a pair of socks.
"""

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING, OmsRoutingCase


class OmsReturnCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.freezer = freeze_time(TUESDAY_MORNING)
        cls.freezer.start()
        cls.addClassCleanup(cls.freezer.stop)
        cls.dc = cls._create_node(
            "HAM",
            "20095",
            oms_return_triage=True,
            oms_return_parcel_cost=6.0,
            oms_return_handling_cost=1.5,
        )
        cls.mitte = cls._create_node(
            "MITTE",
            "10117",
            oms_node_kind="store",
            oms_return_parcel_cost=6.0,
            oms_return_handling_cost=2.0,
            oms_transfer_unit_cost=1.0,
        )
        cls.nord = cls._create_node(
            "NORD",
            "20249",
            oms_node_kind="store",
            oms_return_parcel_cost=6.0,
            oms_return_handling_cost=2.0,
            oms_transfer_unit_cost=1.0,
        )
        cls.channel = cls.env["oms.channel"].create(
            {
                "name": "Web shop",
                "code": "web-returns",
                "company_id": cls.company.id,
                "return_window_days": 30,
            }
        )
        cls.shirt = cls._create_product("Shirt", list_price=30.0, default_code="SHIRT")
        cls.socks = cls._create_product("Socks", list_price=8.0, default_code="SOCKS", weight=0.1)
        cls.vendor = cls.env["res.partner"].create({"name": "Shirt Mill"})
        cls.shirt.seller_ids = [Command.create({"partner_id": cls.vendor.id, "price": 12.0})]
        for product in (cls.shirt, cls.socks):
            cls._stock(product, cls.dc, 100)
            cls._stock(product, cls.mitte, 2)
        # Store Mitte sells a shirt a day; the DC has plenty and sells little.
        cls._sell(cls.shirt, cls.mitte, 28)
        cls.customer.email = "ana@example.com"

    @classmethod
    def _sell(cls, product, warehouse, quantity):
        cls._stock(product, warehouse, quantity)
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        cls._validate(picking)

    @classmethod
    def _validate(cls, pickings):
        for picking in pickings:
            picking.action_confirm()
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()
        return pickings

    @classmethod
    def _delivered_order(cls, lines=None, company=None, **vals):
        """A web order, confirmed (routed) and delivered: ``lines`` are (product, qty, price)."""
        lines = lines or [(cls.shirt, 2, 25.0)]
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "warehouse_id": cls.home.id,
                "oms_channel_id": cls.channel.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty, "price_unit": price}
                    )
                    for product, qty, price in lines
                ],
                **vals,
            }
        )
        order.action_confirm()
        cls._validate(cls._deliveries(order))
        return order

    def _items(self, order, quantities=None, reason="changed_mind", condition="as_new"):
        quantities = quantities or {}
        return [
            {
                "sale_line": line,
                "quantity": quantities.get(line.product_id, line.qty_delivered),
                "reason": reason,
                "condition": condition,
            }
            for line in order.order_line
            if line.product_id in quantities or not quantities
        ]

    def _return(self, order, quantities=None, **kwargs):
        reason = kwargs.pop("reason", "changed_mind")
        condition = kwargs.pop("condition", "as_new")
        return self.env["oms.return"]._oms_create_return(
            order, self._items(order, quantities, reason, condition), **kwargs
        )

    def _events(self, topic):
        self.env.cr.flush()  # what a commit does: the outbox is written at precommit
        return self.env["oms.outbox.event"].search([("topic", "=", topic)])
