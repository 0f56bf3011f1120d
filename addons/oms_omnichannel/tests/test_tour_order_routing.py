"""Browser tour: the order form shows the routing plan in words, and re-routes.

Runs in a real headless Chrome (Odoo's HttpCase). tools/test_addons.sh fails, instead of
letting Odoo skip it, when Chrome or websocket-client is missing.
"""

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOrderRoutingTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        germany = cls.env.ref("base.de")
        company = cls.env.ref("base.main_company")
        # Only this test's carrier and nodes take part, whatever else the database holds.
        cls.env["delivery.carrier"].search([]).write({"oms_routing_enabled": False})
        cls.env["stock.warehouse"].search([("company_id", "=", company.id)]).write(
            {"oms_routing_enabled": False}
        )
        shipping = cls.env["product.product"].create({"name": "Tour shipping", "type": "service"})
        cls.env["delivery.carrier"].create(
            {
                "name": "Tour Parcel",
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "oms_cost_per_package": 5.0,
                "oms_default_transit_days": -1,
                "oms_zone_ids": [
                    Command.create(
                        {"country_id": germany.id, "postal_prefix": "", "transit_days": 2}
                    )
                ],
            }
        )

        def node(name, code, zip_code, **vals):
            partner = cls.env["res.partner"].create(
                {"name": name, "zip": zip_code, "country_id": germany.id, "tz": "Europe/Berlin"}
            )
            return cls.env["stock.warehouse"].create(
                {"name": name, "code": code, "partner_id": partner.id, **vals}
            )

        def store(name, code, zip_code, **vals):
            return node(
                name, code, zip_code, oms_node_kind="store", oms_ship_from_store=True, **vals
            )

        dc = node("Tour DC", "TDC", "20457")
        store_b = store("Tour Store B", "TSB", "10178", oms_handling_cost=1.0)
        # The second store is the fallback: dearer, so the first plan does not use it.
        store_c = store("Tour Store C", "TSC", "50667", oms_handling_cost=9.0)

        def product(name):
            return cls.env["product.product"].create(
                {"name": name, "type": "consu", "is_storable": True, "weight": 0.5}
            )

        shirt, lamp = product("Tour shirt"), product("Tour lamp")
        quants = cls.env["stock.quant"]
        quants._update_available_quantity(shirt, dc.lot_stock_id, 10)
        quants._update_available_quantity(lamp, store_b.lot_stock_id, 10)
        quants._update_available_quantity(lamp, store_c.lot_stock_id, 10)

        customer = cls.env["res.partner"].create(
            {"name": "Tour Customer", "zip": "10117", "city": "Berlin", "country_id": germany.id}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "client_order_ref": "TOUR-SPLIT",
                "order_line": [
                    Command.create({"product_id": shirt.id, "product_uom_qty": 1}),
                    Command.create({"product_id": lamp.id, "product_uom_qty": 1}),
                ],
            }
        )
        cls.order.action_confirm()
        cls.store_b, cls.store_c = store_b, store_c

    def _shipping_nodes(self):
        pickings = self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        return set(pickings.picking_type_id.warehouse_id.mapped("code"))

    def test_order_form_shows_plan_and_reroutes(self):
        # The tour starts from a split order: check the premise, so the tour tests the UI.
        self.assertEqual(self.order.oms_package_count, 2)
        self.assertEqual(self._shipping_nodes(), {"TDC", "TSB"})

        self.start_tour(
            "/odoo/action-oms_omnichannel.sale_order_action",
            "oms_order_routing_tour",
            login="admin",
        )

        self.order.invalidate_recordset()
        self.assertEqual(self._shipping_nodes(), {"TDC", "TSC"})
        self.assertEqual(
            self.order.oms_decision_ids.sorted("id").mapped("trigger"), ["confirm", "reroute"]
        )
        self.assertIn(self.store_b, self.order.oms_decision_id.excluded_warehouse_ids)
