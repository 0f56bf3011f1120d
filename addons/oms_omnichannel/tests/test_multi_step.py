"""A node that picks, packs, then ships: the parcel that leaves carries the routing.

Odoo 18 creates the pick when the order is confirmed and the next steps when the one before
is done; each step, and above all the parcel that leaves, carries the carrier, the decision,
the promised date and the role the router chose, and the shop hears of the parcel with its
carrier.
"""

from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestMultiStepNode(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC3", delivery_steps="pick_pack_ship")
        cls.parcel.oms_carrier_code = "parcel"
        cls.shirt = cls._create_product("Shirt", default_code="SHIRT-3")
        cls._stock(cls.shirt, cls.dc, 10)
        cls.channel = cls.env["oms.channel"].create({"name": "Shop", "code": "shop-3step"})

    def _validate(self, picking):
        picking.move_ids.quantity = picking.move_ids.product_uom_qty
        picking.move_ids.picked = True
        picking._action_done()

    def _step(self, order, picking_type):
        return order.picking_ids.filtered(
            lambda p: p.picking_type_id == picking_type and p.state != "cancel"
        )

    def test_every_step_and_the_parcel_carry_the_routing(self):
        order = self._create_order([(self.shirt, 2)], oms_channel_id=self.channel.id)
        order.action_confirm()
        decision = order.oms_decision_id
        pick = self._step(order, self.dc.pick_type_id)
        self.assertEqual(len(order.picking_ids), 1, "Odoo makes the next steps later")
        for step in (pick,):
            self.assertEqual(step.oms_decision_id, decision)
            self.assertEqual(step.carrier_id, self.parcel)
            self.assertEqual(step.oms_shipment_kind, "ship")
            self.assertTrue(step.oms_promised_date)
        self.assertEqual(order.oms_package_count, 1)
        promised = pick.oms_promised_date
        self._validate(pick)
        pack = self._step(order, self.dc.pack_type_id)
        self._validate(pack)
        parcel = self._step(order, self.dc.out_type_id)
        self.assertEqual(len(parcel), 1)
        for step in (pack, parcel):
            self.assertEqual(step.oms_decision_id, decision)
            self.assertEqual(step.carrier_id, self.parcel)
            self.assertEqual(step.oms_shipment_kind, "ship")
            self.assertEqual(step.oms_promised_date, promised)
        # The order still ships in one package, promised as before.
        self.assertEqual(order.oms_package_count, 1)
        self.assertEqual(order.oms_promised_date, promised)
        # The parcel that leaves is told to the shop with its carrier.
        parcel.carrier_tracking_ref = "TRACK-3"
        self._validate(parcel)
        self.env.cr.flush()  # what a commit does: the outbox is written
        [event] = self.env["oms.outbox.event"].search(
            [("topic", "=", "shipment.shipped"), ("res_id", "=", parcel.id)]
        )
        self.assertEqual(event.payload["carrier"], "Parcel")
        self.assertEqual(event.payload["carrier_code"], "parcel")
        self.assertEqual(event.payload["tracking_number"], "TRACK-3")

    def test_reroute_leaves_goods_already_picked(self):
        other = self._create_node("OTHER")
        self._stock(self.shirt, other, 10)
        order = self._create_order([(self.shirt, 2)])
        order.action_confirm()
        pick = self._step(order, self.dc.pick_type_id)
        self._validate(pick)
        pack = self._step(order, self.dc.pack_type_id)
        # The goods left the shelves: the pack is under way, a re-route keeps it.
        self.assertTrue(pack._oms_is_started())
        order._oms_reroute(excluded_warehouses=self.dc)
        self.assertEqual(pack.state, "assigned")
        self.assertFalse(self._step(order, other.out_type_id))
