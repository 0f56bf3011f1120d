"""Browser tour: failover from the node form moves the node's open deliveries elsewhere."""

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestNodeFailoverTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        germany = cls.env.ref("base.de")
        company = cls.env.ref("base.main_company")
        cls.env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
        cls.env["stock.warehouse"].search([("company_id", "=", company.id)]).write(
            {"oms_routing_enabled": False}
        )
        shipping = cls.env["product.product"].create(
            {"name": "Failover shipping", "type": "service"}
        )
        cls.env["delivery.carrier"].create(
            {
                "name": "Failover Parcel",
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "oms_default_transit_days": 2,
            }
        )

        def node(name, code, handling_cost):
            partner = cls.env["res.partner"].create(
                {"name": name, "zip": "20457", "country_id": germany.id, "tz": "Europe/Berlin"}
            )
            return cls.env["stock.warehouse"].create(
                {
                    "name": name,
                    "code": code,
                    "partner_id": partner.id,
                    "oms_handling_cost": handling_cost,
                }
            )

        # Both hold the goods; A is cheaper, so it ships until it is switched off.
        cls.node_a = node("Failover DC A", "TFA", 1.0)
        cls.node_b = node("Failover DC B", "TFB", 5.0)
        product = cls.env["product.product"].create(
            {"name": "Failover kettle", "type": "consu", "is_storable": True, "weight": 1.0}
        )
        for warehouse in cls.node_a | cls.node_b:
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5)
        customer = cls.env["res.partner"].create(
            {"name": "Failover Customer", "zip": "10117", "country_id": germany.id}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        cls.order.action_confirm()

    def _shipping_nodes(self):
        pickings = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        return set(pickings.picking_type_id.warehouse_id.mapped("code"))

    def test_switch_off_from_the_node_form_moves_its_deliveries(self):
        self.assertEqual(self._shipping_nodes(), {"TFA"})

        self.start_tour(
            f"/odoo/action-oms_omnichannel.stock_warehouse_action/{self.node_a.id}",
            "oms_node_failover_tour",
            login="admin",
        )

        self.node_a.invalidate_recordset()
        self.order.invalidate_recordset()
        self.assertFalse(self.node_a.oms_routing_enabled)
        self.assertEqual(self._shipping_nodes(), {"TFB"})
        self.assertEqual(self.order.oms_decision_id.trigger, "failover")
