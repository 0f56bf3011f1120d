"""Store staff see their own store's orders and deliveries, nothing else.

The rules are checked twice: with the ORM as the store user, and in the browser, where the
back office would show a forbidden record or fail with an access error on a split order.
"""

from odoo.tests import new_test_user, tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestStoreStaffTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier("Staff Parcel", oms_default_transit_days=2)

        def store(name, code, zip_code):
            return cls._create_tour_node(
                name, code, zip_code, oms_node_kind="store", oms_ship_from_store=True
            )

        cls.store_a = store("Staff Store A", "SSA", "10178")
        cls.store_b = store("Staff Store B", "SSB", "50667")

        only_a = cls._create_tour_product("Only in A", 0.5, {cls.store_a: 10})
        only_b = cls._create_tour_product("Only in B", 0.5, {cls.store_b: 10})

        def order(customer_name, products):
            customer = cls.env["res.partner"].create(
                {"name": customer_name, "zip": "10117", "country_id": cls.germany.id}
            )
            sale = cls._create_tour_order(customer, [(product, 1) for product in products])
            sale.action_confirm()
            return sale

        cls.order_a = order("Staff Customer A", only_a)
        cls.order_b = order("Staff Customer B", only_b)
        cls.order_ab = order("Staff Customer AB", only_a | only_b)

        cls.staff_a = new_test_user(
            cls.env,
            login="oms_tour_store_a",
            groups="base.group_user,oms_omnichannel.group_oms_store_staff",
            company_id=cls.company.id,
        )
        cls.staff_a.oms_warehouse_ids = cls.store_a
        cls.service = new_test_user(
            cls.env,
            login="oms_tour_service",
            groups="base.group_user,oms_omnichannel.group_oms_customer_service",
            company_id=cls.company.id,
        )

    def _outgoing(self, env, warehouse):
        return env["stock.picking"].search(
            [("picking_type_id", "=", warehouse.out_type_id.id), ("state", "!=", "cancel")]
        )

    def test_store_staff_see_their_store_only(self):
        # Premise: the split order ships from both stores.
        self.assertEqual(
            set(self.order_ab.picking_ids.picking_type_id.warehouse_id.mapped("code")),
            {"SSA", "SSB"},
        )

        staff_env = self.env(user=self.staff_a)
        orders = staff_env["sale.order"].search([("id", "in", self._all_orders().ids)])
        self.assertEqual(orders, self.order_a | self.order_ab)
        self.assertFalse(self._outgoing(staff_env, self.store_b))
        self.assertEqual(len(self._outgoing(staff_env, self.store_a)), 2)
        decisions = staff_env["oms.routing.decision"].search(
            [("sale_order_id", "in", self._all_orders().ids)]
        )
        self.assertEqual(decisions.sale_order_id, self.order_a | self.order_ab)

        # Customer service sees everything, although it inherits the store staff rights.
        service_env = self.env(user=self.service)
        orders = service_env["sale.order"].search([("id", "in", self._all_orders().ids)])
        self.assertEqual(orders, self._all_orders())
        self.assertEqual(len(self._outgoing(service_env, self.store_b)), 2)

        self.start_tour(
            "/odoo/action-oms_omnichannel.sale_order_action",
            "oms_store_staff_tour",
            login="oms_tour_store_a",
        )

    def _all_orders(self):
        return self.order_a | self.order_b | self.order_ab
