# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour: the Change Order wizard previews, then applies, a switch to pickup."""

from odoo import Command
from odoo.tests import tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestOrderChangeTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier("Change Tour Parcel", oms_default_transit_days=2)
        cls.dc = cls._create_tour_node("Change Tour DC", "TCD", "20457")
        cls.store = cls._create_tour_node(
            "Change Tour Store",
            "TCS",
            "10117",
            oms_node_kind="store",
            oms_pickup_point=True,
            oms_ships_parcels=False,
        )
        product = cls._create_tour_product("Change tour kettle", 1.0, {cls.dc: 5})
        customer = cls.env["res.partner"].create(
            {
                "name": "Change Tour Customer",
                "zip": "10117",
                "city": "Berlin",
                "street": "Torstr. 1",
                "country_id": cls.germany.id,
            }
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 2, "price_unit": 30.0}
                    )
                ],
            }
        )
        cls.order.action_confirm()

    def test_change_order_wizard(self):
        self.assertEqual(self._shipping_nodes(self.order), {"TCD"})
        self.start_tour(
            f"/odoo/action-sale.action_orders/{self.order.id}",
            "oms_order_change_tour",
            login="admin",
        )
        self.order.invalidate_recordset()
        self.assertEqual(self.order.oms_delivery_mode, "pickup")
        self.assertEqual(self.order.oms_pickup_warehouse_id, self.store)
        self.assertEqual(self.order.order_line.product_uom_qty, 2.0, "only the mode changed")
        transfer = self.order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "transfer" and p.state != "cancel"
        )
        self.assertEqual(transfer.location_id, self.dc.lot_stock_id)
        [change] = self.order.oms_change_ids
        self.assertEqual((change.operation, change.source), ("delivery_mode", "back_office"))
