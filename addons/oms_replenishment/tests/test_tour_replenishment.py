# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tour: the OMS manager computes the proposals, reads why the store should get
shirts and what it saves, confirms the transfer, and rejects the purchase with a reason."""

from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestReplenishmentTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_tour_node(
            "Tour Hamburg DC", "TRHH", "20095", oms_latitude=53.55, oms_longitude=10.0
        )
        cls.store = cls._create_tour_node(
            "Tour Store Mitte",
            "TRMI",
            "10117",
            oms_node_kind="store",
            oms_pickup_point=True,
            oms_ships_parcels=False,
            oms_latitude=52.52,
            oms_longitude=13.40,
        )
        shirt = cls._create_tour_product("Tour shirt", 1.0, {cls.dc: 100})
        cap = cls._create_tour_product("Tour cap", 0.2, {})
        customer = cls.env["res.partner"].create(
            {"name": "Tour Collector", "zip": "10117", "country_id": cls.germany.id}
        )
        for product, count in ((shirt, 8), (cap, 4)):
            for _n in range(count):
                cls._create_tour_order(
                    customer,
                    [(product, 2)],
                    oms_delivery_mode="pickup",
                    oms_pickup_warehouse_id=cls.store.id,
                ).action_confirm()

    def test_review_confirm_and_reject(self):
        self.start_tour_with_screenshots(
            "/odoo/action-oms_replenishment.oms_replenishment_proposal_action",
            "oms_replenishment_tour",
            login="admin",
        )
        Proposal = self.env["oms.replenishment.proposal"]
        transfer = Proposal.search(
            [("company_id", "=", self.company.id), ("kind", "=", "transfer")]
        )
        self.assertEqual(transfer.state, "confirmed")
        self.assertEqual(transfer.picking_id.move_ids.product_uom_qty, 6.0)
        purchase = Proposal.search(
            [("company_id", "=", self.company.id), ("kind", "=", "purchase")]
        )
        self.assertEqual((purchase.state, purchase.reject_reason), ("rejected", "Caps are dropped"))
