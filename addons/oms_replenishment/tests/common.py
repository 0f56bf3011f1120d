# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The replenishment tests' retailer: the core's routing retailer (a company of its own) with
a DC in Hamburg holding plenty of shirts and a click & collect store in Berlin holding none.
Berlin's customers collected 4 shirts a week at the store and caps
nobody stocks: the engine proposes shirts from the DC to the store and caps bought for the
DC, meant for the store."""

from odoo.addons.oms_omnichannel.tests.common import OmsRoutingCase

SHIRT_ORDERS = 8  # of 2 shirts each, collected at the store: 4 a week over the 4 weeks
CAP_ORDERS = 4  # of 2 caps each: 2 a week


class OmsReplenishmentCase(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node(
            "RDC", "20095", name="Hamburg DC", oms_latitude=53.55, oms_longitude=10.0
        )
        cls.store = cls._create_node(
            "RMITTE",
            "10117",
            name="Store Mitte",
            oms_node_kind="store",
            oms_pickup_point=True,
            oms_ships_parcels=False,
            oms_latitude=52.52,
            oms_longitude=13.40,
        )
        cls.shirt = cls._create_product("Replenish Shirt")
        cls.cap = cls._create_product("Replenish Cap")
        cls._stock(cls.shirt, cls.dc, 100)
        cls.orders = cls.env["sale.order"]
        for product, count in ((cls.shirt, SHIRT_ORDERS), (cls.cap, CAP_ORDERS)):
            for _n in range(count):
                order = cls._create_order(
                    [(product, 2)],
                    oms_delivery_mode="pickup",
                    oms_pickup_warehouse_id=cls.store.id,
                )
                order.action_confirm()
                cls.orders |= order
        cls.Proposal = cls.env["oms.replenishment.proposal"]
        cls.planner = cls.env["oms.replenishment.planner"]

    @classmethod
    def _compute(cls):
        return cls.planner._run(cls.company)

    def _open(self, **domain):
        return self.Proposal.search(
            [("company_id", "=", self.company.id), ("state", "=", "open")]
            + [(name, "=", value) for name, value in domain.items()]
        )
