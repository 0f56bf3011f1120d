"""Browser tour: the order form shows the routing plan in words, and re-routes.

Runs in a real headless Chrome (Odoo's HttpCase). tools/test_addons.sh fails, instead of
letting Odoo skip it, when Chrome or websocket-client is missing.
"""

from odoo import Command
from odoo.tests import tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestOrderRoutingTour(OmsTourCase):
    browser_size = "1920x1080"  # the kanban's screenshot shows most of its columns

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier(
            "Tour Parcel",
            oms_cost_per_package=5.0,
            oms_default_transit_days=-1,
            oms_zone_ids=[
                Command.create(
                    {"country_id": cls.germany.id, "postal_prefix": "", "transit_days": 2}
                )
            ],
        )

        def store(name, code, zip_code, **vals):
            return cls._create_tour_node(
                name, code, zip_code, oms_node_kind="store", oms_ship_from_store=True, **vals
            )

        dc = cls._create_tour_node("Tour DC", "TDC", "20457")
        store_b = store("Tour Store B", "TSB", "10178", oms_handling_cost=1.0)
        # The second store is the fallback: dearer, so the first plan does not use it.
        store_c = store("Tour Store C", "TSC", "50667", oms_handling_cost=9.0)

        shirt = cls._create_tour_product("Tour shirt", 0.5, {dc: 10})
        lamp = cls._create_tour_product("Tour lamp", 0.5, {store_b: 10, store_c: 10})

        customer = cls.env["res.partner"].create(
            {
                "name": "Tour Customer",
                "zip": "10117",
                "city": "Berlin",
                "country_id": cls.germany.id,
            }
        )
        cls.order = cls._create_tour_order(
            customer, [(shirt, 1), (lamp, 1)], client_order_ref="TOUR-SPLIT"
        )
        cls.order.action_confirm()
        cls.store_b, cls.store_c = store_b, store_c

    def test_order_form_shows_plan_and_reroutes(self):
        # The tour starts from a split order: check the premise, so the tour tests the UI.
        self.assertEqual(self.order.oms_package_count, 2)
        self.assertEqual(self._shipping_nodes(self.order), {"TDC", "TSB"})

        self.start_tour_with_screenshots(
            "/odoo/action-oms_omnichannel.sale_order_action",
            "oms_order_routing_tour",
            login="admin",
        )

        self.order.invalidate_recordset()
        self.assertEqual(self._shipping_nodes(self.order), {"TDC", "TSC"})
        self.assertEqual(
            self.order.oms_decision_ids.sorted("id").mapped("trigger"), ["confirm", "reroute"]
        )
        self.assertIn(self.store_b, self.order.oms_decision_id.excluded_warehouse_ids)
