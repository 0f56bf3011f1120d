# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The supplier portal in a real browser (static/tests/tours/oms_dropship_portal_tour.js):
supplier A accepts a delivery of two lamps and ships one; Odoo then holds a shipped parcel
with its tracking number and the other lamp still to ship by supplier A."""

from odoo.tests import HttpCase, tagged

from .common import OmsDropshipCase


@tagged("post_install", "-at_install")
class TestTourPortal(OmsDropshipCase, HttpCase):
    def test_supplier_accepts_and_ships_part(self):
        order = self._web_order([(self.lamp, 2)])
        delivery = self._dropship(order)
        self.start_tour("/my/dropship", "oms_dropship_portal_tour", login=self.user_a.login)
        self.assertEqual(delivery.state, "shipped")
        self.assertEqual(delivery.accepted_by_id, self.user_a)
        picking = delivery.picking_id
        self.assertEqual(picking.carrier_tracking_ref, "TOUR-1Z42")
        self.assertEqual(picking.carrier_id, self.parcel)
        self.assertEqual(sum(picking.move_ids.mapped("quantity")), 1.0)
        rest = self._dropship(order)
        self.assertEqual(rest.state, "accepted")
        self.assertEqual(self._to_ship(order), {("DSA", self.lamp): 1.0})
