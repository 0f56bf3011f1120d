"""Browser tour: a click & collect store is switched off and stops handing over orders;
its order moves to the nearest pickup store, the customer is told, and the order says so."""

from odoo import Command
from odoo.tests import tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestPickupFailoverTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = {"oms_node_kind": "store", "oms_pickup_point": True, "oms_ships_parcels": False}
        cls.mitte = cls._create_tour_node(
            "Tour Mitte", "TPM", "10117", oms_latitude=52.52, oms_longitude=13.40, **store
        )
        cls.pankow = cls._create_tour_node(
            "Tour Pankow", "TPP", "13187", oms_latitude=52.57, oms_longitude=13.40, **store
        )
        cls.cologne = cls._create_tour_node(
            "Tour Cologne", "TPC", "50667", oms_latitude=50.94, oms_longitude=6.96, **store
        )
        kettle = cls._create_tour_product(
            "Pickup kettle", 1.0, {cls.mitte: 5, cls.pankow: 5, cls.cologne: 5}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Pickup Customer",
                "email": "pickup.customer@example.com",
                "zip": "10117",
                "country_id": cls.germany.id,
            }
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "oms_delivery_mode": "pickup",
                "oms_pickup_warehouse_id": cls.mitte.id,
                "order_line": [Command.create({"product_id": kettle.id, "product_uom_qty": 1})],
            }
        )
        cls.order.action_confirm()

    def test_store_off_moves_its_pickup_order(self):
        # The premise: handed over at Mitte, from its own shelves.
        self.assertEqual(self._handover().picking_type_id.warehouse_id, self.mitte)

        self.start_tour(
            f"/odoo/action-oms_omnichannel.stock_warehouse_action/{self.mitte.id}",
            "oms_pickup_failover_tour",
            login="admin",
        )

        self.order.invalidate_recordset()
        self.assertFalse(self.mitte.oms_routing_enabled)
        self.assertFalse(self.mitte.oms_pickup_point)
        self.assertEqual(self.order.oms_pickup_warehouse_id, self.pankow)
        self.assertEqual(self._handover().picking_type_id.warehouse_id, self.pankow)
        self.assertEqual(self.order.oms_routing_state, "routed")
        self.assertEqual(self.order.oms_decision_id.trigger, "failover")

    def _handover(self):
        return self.order.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "pickup" and p.state != "cancel"
        )
