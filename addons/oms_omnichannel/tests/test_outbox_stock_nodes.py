# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

from .test_intake_common import OmsIntakeCommon


class TestOutboxStockNodes(OmsIntakeCommon):
    """A quant that changes publishes the figure of the node whose stock its location counts
    in, as the sellable stock counts it: not of the warehouse Odoo stores on the location,
    which lags behind a location moved to another warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["stock.warehouse"].create(
            {"name": "Other store", "code": "OTHR", "company_id": cls.company.id}
        )
        cls.channel.warehouse_ids = [Command.link(cls.other.id)]
        # A shelf and its bin moved to the other store: Odoo recomputes the warehouse it
        # stores on the shelf, not on the bin below it.
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf", "location_id": cls.stock_location.id, "usage": "internal"}
        )
        cls.bin = cls.env["stock.location"].create(
            {"name": "Bin", "location_id": cls.shelf.id, "usage": "internal"}
        )
        cls.shelf.location_id = cls.other.lot_stock_id

    def _stock_events(self, start):
        return {
            (event.payload["warehouse"], event.payload["sku"]): event.payload["sellable"]
            for event in self._events("stock.changed")
            if event.id > start and event.channel_code == self.channel.code
        }

    def _cursor(self):
        return self._events()[-1:].id or 0

    def test_the_fixture(self):
        self.assertEqual(self.bin.warehouse_id, self.warehouse)  # Odoo's stored field lags
        self.assertEqual(self.shelf.warehouse_id, self.other)

    def test_quant_in_a_moved_bin_publishes_its_node(self):
        start = self._cursor()
        self._set_stock(self.product_a, 6, self.bin)
        # 6 on hand - 1 safety stock, at the store the bin is in now; the first warehouse's
        # figure did not change.
        self.assertEqual(self._stock_events(start), {("OTHR", "OMS-TEST-A"): 5.0})
