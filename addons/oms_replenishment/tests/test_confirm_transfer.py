# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import OmsReplenishmentCase


@tagged("post_install", "-at_install")
class TestConfirmTransfer(OmsReplenishmentCase):
    def setUp(self):
        super().setUp()
        self._compute()
        [self.transfer] = self._open(kind="transfer")

    def test_confirmed_into_an_internal_transfer_between_the_two_warehouses(self):
        self.transfer.action_confirm()
        picking = self.transfer.picking_id
        self.assertEqual(self.transfer.state, "confirmed")
        self.assertEqual(picking.picking_type_id, self.dc.int_type_id)
        self.assertEqual(picking.location_id, self.dc.lot_stock_id)
        self.assertEqual(picking.location_dest_id, self.store.lot_stock_id)
        self.assertEqual(
            [(move.product_id, move.product_uom_qty) for move in picking.move_ids],
            [(self.shirt, 6.0)],
        )
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.origin, self.transfer.name)

    def test_confirming_twice_makes_one_transfer(self):
        self.transfer.action_confirm()
        picking = self.transfer.picking_id
        self.transfer.action_confirm()
        self.assertEqual(self.transfer.picking_id, picking)
        pickings = self.env["stock.picking"].search([("origin", "=", self.transfer.name)])
        self.assertEqual(pickings, picking)

    def test_a_confirmed_transfer_on_its_way_is_not_proposed_again(self):
        self.transfer.action_confirm()
        self._compute()
        self.assertFalse(self._open(kind="transfer"))
        self.assertEqual(self.transfer.state, "confirmed")
