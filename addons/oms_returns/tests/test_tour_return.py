"""Browser tour: customer service starts a return of a delivered order and reads why its
item goes where it goes (the back office's return screens)."""

from odoo import Command
from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReturnTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier("Tour Parcel", oms_cost_per_package=4.9)
        cls.dc = cls._create_tour_node(
            "Tour Return DC", "TRD", "20457", oms_return_triage=True, oms_return_parcel_cost=6.0
        )
        cls.store = cls._create_tour_node(
            "Tour Return Store",
            "TRS",
            "10117",
            oms_node_kind="store",
            oms_return_parcel_cost=6.0,
            oms_return_handling_cost=2.0,
        )
        cls.kettle = cls._create_tour_product(
            "Tour return kettle", 1.0, {cls.dc: 50, cls.store: 1}, list_price=40.0
        )
        # The store sells a kettle a day.
        cls.env["stock.quant"]._update_available_quantity(cls.kettle, cls.store.lot_stock_id, 28)
        cls._sold_28(cls.kettle)
        cls.channel = cls.env["oms.channel"].create({"name": "Tour shop", "code": "tour-ret"})
        customer = cls.env["res.partner"].create(
            {"name": "Lena Vogel", "zip": "80331", "city": "München", "country_id": cls.germany.id}
        )
        cls.order = cls._create_tour_order(customer, [(cls.kettle, 2)])
        cls.order.action_confirm()
        for delivery in cls.order.picking_ids:
            cls._done(delivery)
        new_test_user(
            cls.env,
            login="oms_tour_returns",
            name="Chris Neumann",
            groups="base.group_user,oms_omnichannel.group_oms_customer_service",
            company_id=cls.company.id,
        )

    @classmethod
    def _done(cls, picking):
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True)._action_done()

    @classmethod
    def _sold_28(cls, product):
        sale = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.store.out_type_id.id,
                "location_id": cls.store.lot_stock_id.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "kettle",
                            "product_id": product.id,
                            "product_uom_qty": 28,
                            "location_id": cls.store.lot_stock_id.id,
                            "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        cls._done(sale)

    def test_customer_service_starts_a_return_and_reads_why(self):
        self.start_tour(
            f"/odoo/action-oms_omnichannel.sale_order_action/{self.order.id}",
            "oms_return_tour",
            login="oms_tour_returns",
        )
        ret = self.order.oms_return_ids
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertEqual(ret.line_ids.warehouse_id, self.store)
        self.assertEqual(ret.source, "back_office")
        self.assertEqual(ret.picking_ids.location_dest_id.warehouse_id, self.store)
