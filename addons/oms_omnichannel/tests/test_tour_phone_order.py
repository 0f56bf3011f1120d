"""Browser tour: customer service takes a phone order in the Omnichannel app.

A Customer Service user (no other right) starts a new order: the phone channel is preset,
the caller is a new customer created on the fly, and the line tells what the network has and
when it arrives before the order is confirmed; confirming routes it. With OMS_SCREENSHOTS set
the run saves the order and the decision as the user saw them (docs/screenshots.md).
"""

from odoo.tests import new_test_user, tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestPhoneOrderTour(OmsTourCase):
    browser_size = "1440x1000"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier(
            "Tour Parcel", oms_cost_per_package=4.9, oms_default_transit_days=2
        )
        cls.dc = cls._create_tour_node("Tour Kettle DC", "TKD", "20457", oms_handling_cost=2.5)
        cls.store = cls._create_tour_node(
            "Tour Kettle Store",
            "TKS",
            "50667",
            oms_node_kind="store",
            oms_ship_from_store=True,
            oms_pickup_point=True,
            oms_handling_cost=6.0,
        )
        cls.kettle = cls._create_tour_product(
            "Tour kettle", 1.2, {cls.dc: 12, cls.store: 3}, list_price=39.9
        )
        cls.phone = cls.env["oms.channel"].create(
            {
                "name": "Phone orders",
                "code": "tour-phone",
                "kind": "phone",
                "unfulfillable_behaviour": "hold",
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="oms_tour_phone",
            name="Chris Neumann",
            groups="base.group_user,oms_omnichannel.group_oms_customer_service",
            company_id=cls.company.id,
        )

    def test_phone_order_from_the_omnichannel_app(self):
        self.start_tour_with_screenshots(
            "/odoo/action-oms_omnichannel.sale_order_action",
            "oms_phone_order_tour",
            login="oms_tour_phone",
        )

        order = self.env["sale.order"].search([("partner_id.name", "=", "Maria Schneider")])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.oms_channel_id, self.phone)
        self.assertEqual(order.user_id, self.agent)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertEqual(self._shipping_nodes(order), {"TKD"})
        self.assertEqual(order.order_line.product_uom_qty, 2)
        customer = order.partner_id
        self.assertEqual(customer.create_uid, self.agent)
        self.assertEqual(
            (customer.zip, customer.city, customer.country_id), ("10119", "Berlin", self.germany)
        )
