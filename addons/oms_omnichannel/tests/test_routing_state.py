"""The order's routing summary stays true after every change.

After each change (a line cancelled, a quantity lowered or raised, a delivery cancelled or
shipped, the order held or cancelled) the order's routing state, packages, split flag,
promised date, sourcing status and "Why" describe its deliveries as they are now, and its
history has a row that says what changed. Each test compares the summary with the
deliveries, read independently of the code that computes it.
"""

from freezegun import freeze_time
from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRoutingStateAfterChange(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_node("NORTH")
        # SOUTH prepares a day later: its parcel arrives last.
        cls.south = cls._create_node("SOUTH", zip_code="20095", oms_handling_days=1)
        cls.shirt = cls._create_product("Shirt")
        cls.sock = cls._create_product("Sock")
        cls._stock(cls.shirt, cls.north, 10)
        cls._stock(cls.sock, cls.south, 10)

    # ------------------------------------------------------------------ helpers

    def _split_order(self, **vals):
        order = self._create_order([(self.shirt, 2), (self.sock, 3)], **vals)
        order.action_confirm()
        self.assertEqual(
            self._shipped(order), {("NORTH", self.shirt): 2.0, ("SOUTH", self.sock): 3.0}
        )
        self.assertEqual(order.oms_package_count, 2)
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _parcels(self, order):
        """Deliveries to the customer that carry units with a source (not only units
        waiting for stock)."""
        return self._deliveries(order).filtered(
            lambda p: p.move_ids.filtered(lambda m: m.state != "cancel" and not m.oms_backorder)
        )

    def _assert_summary_is_true(self, order):
        """The order's summary fields say what its deliveries say."""
        parcels = self._parcels(order)
        self.assertEqual(order.oms_package_count, len(parcels))
        self.assertEqual(order.oms_is_split, len(parcels) > 1)
        if order.oms_routing_state in ("hold", "waiting", "cancel"):
            self.assertFalse(order.oms_promised_date)
        else:
            self.assertEqual(
                order.oms_promised_date, max(parcels.mapped("oms_promised_date"), default=False)
            )
        decision = order.oms_decision_id
        self.assertTrue(decision.is_current)
        self.assertEqual(decision.package_count, order.oms_package_count)
        self.assertEqual(decision.is_split, order.oms_is_split)
        self.assertEqual(decision.status, order.oms_decision_status)
        # The first sentence names the nodes that ship now, and no other.
        first = decision.explanation.split("\n")[0]
        shipping = parcels.picking_type_id.warehouse_id
        for node in shipping:
            self.assertIn(node.name, first)
        for node in (self.north | self.south) - shipping:
            self.assertNotIn(node.name, first)
        return decision

    # ------------------------------------------------------------------ tests

    def test_line_cancelled(self):
        order = self._split_order()
        first = order.oms_decision_id
        self._line(order, self.sock).product_uom_qty = 0
        self.assertEqual(self._shipped(order), {("NORTH", self.shirt): 2.0})
        decision = self._assert_summary_is_true(order)
        self.assertEqual(order.oms_package_count, 1)
        self.assertFalse(order.oms_is_split)
        self.assertEqual(order.oms_routing_state, "routed")
        self.assertEqual(order.oms_decision_status, "complete")
        # A history row says what changed; the first decision is history now.
        self.assertNotEqual(decision, first)
        self.assertFalse(first.is_current)
        self.assertEqual(decision.trigger, "change")
        self.assertIn("Sock was cancelled", decision.explanation)
        self.assertNotIn("SOUTH", decision.explanation)
        self.assertIn("everything arrives by", decision.explanation)

    def test_quantity_lowered(self):
        order = self._split_order()
        self._line(order, self.sock).product_uom_qty = 1
        self.assertEqual(
            self._shipped(order), {("NORTH", self.shirt): 2.0, ("SOUTH", self.sock): 1.0}
        )
        decision = self._assert_summary_is_true(order)
        self.assertEqual(decision.trigger, "change")
        self.assertIn("lowered from 3 to 1", decision.explanation)
        self.assertEqual(
            sorted(decision.shipment_line_ids.mapped("quantity")), [1.0, 2.0], "as they are now"
        )

    def test_lowering_the_heavy_line_saves_a_package(self):
        self.parcel.max_weight = 10.0
        anvil = self._create_product("Anvil", weight=6.0)
        self._stock(anvil, self.north, 10)
        order = self._create_order([(anvil, 3)])
        order.action_confirm()
        self.assertEqual(order.oms_package_count, 2, "18 kg in parcels of 10 kg")
        self._line(order, anvil).product_uom_qty = 1
        self.assertEqual(order.oms_package_count, 1)
        self.assertEqual(order.oms_decision_id.package_count, 1)
        self.assertIn("1 package", order.oms_decision_id.explanation)

    def test_quantity_raised(self):
        order = self._split_order()
        self._line(order, self.shirt).product_uom_qty = 4
        decision = self._assert_summary_is_true(order)
        self.assertEqual(decision.trigger, "change")
        self.assertEqual(order.oms_package_count, 2)
        # The whole order, not only the part just routed.
        self.assertIn("Ships in 2 packages from NORTH, SOUTH", decision.explanation)
        self.assertIn("raised from 2 to 4", decision.explanation)

    def test_delivery_cancelled_by_a_person_holds_the_order(self):
        order = self._split_order()
        south = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.south
        )
        south.action_cancel()
        decision = self._assert_summary_is_true(order)
        self.assertEqual(order.oms_routing_state, "hold")
        self.assertEqual(order.oms_decision_status, "partial")
        self.assertEqual(decision.trigger, "delivery_cancelled")
        self.assertIn(south.name, decision.explanation)
        self.assertIn("Nobody ships 3 x Sock", decision.explanation)
        self.assertNotIn("arrives by", decision.explanation)
        self.assertEqual(decision.unfulfilled_line_ids.reason, "delivery_cancelled")
        self.assertEqual(len(order.activity_ids), 1)

    def test_delivery_shipped_in_part(self):
        order = self._split_order()
        south = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.south
        )
        south.move_ids.quantity = 1
        south.move_ids.picked = True
        south._action_done()  # 1 of 3 leaves, the other 2 follow in a backorder
        rest = south.backorder_ids
        self.assertEqual(rest.oms_shipment_kind, "ship")
        self.assertEqual(rest.oms_promised_date, south.oms_promised_date)
        self.assertEqual(rest.carrier_id, self.parcel)
        decision = self._assert_summary_is_true(order)
        self.assertEqual(order.oms_package_count, 3)
        self.assertEqual(decision.trigger, "delivery_done")
        self.assertIn(rest.name, decision.explanation)

    def test_store_staff_changes_are_recorded(self):
        """Store staff see their own store's deliveries only; what they do to them still
        updates the whole order's summary and history."""
        staff = new_test_user(
            self.env,
            login="staff.north",
            groups="oms_omnichannel.group_oms_store_staff",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        staff.oms_warehouse_ids = self.north
        order = self._split_order()
        north = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.north
        )
        north.move_ids.quantity = 2
        north.move_ids.picked = True
        north.with_user(staff).button_validate()
        self.assertEqual(north.state, "done")
        self.assertEqual(order.oms_decision_id.trigger, "delivery_done")
        self._assert_summary_is_true(order)
        # A second order: the staff cancel their store's parcel.
        other = self._split_order()
        north = self._deliveries(other).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.north
        )
        north.with_user(staff).action_cancel()
        self.assertEqual(other.oms_routing_state, "hold")
        self.assertEqual(other.oms_decision_id.trigger, "delivery_cancelled")
        self.assertIn("cancelled by " + staff.name, other.oms_decision_id.explanation)
        self._assert_summary_is_true(other)

    def test_everything_shipped(self):
        order = self._split_order()
        for delivery in self._deliveries(order):
            delivery.move_ids.quantity = delivery.move_ids.product_uom_qty
            delivery.move_ids.picked = True
            delivery._action_done()
        decision = self._assert_summary_is_true(order)
        self.assertEqual(decision.trigger, "delivery_done")
        self.assertIn("Everything has left", decision.explanation)

    def test_hold_shows_no_promise(self):
        channel = self.env["oms.channel"].create(
            {"name": "Hold", "code": "test-hold", "unfulfillable_behaviour": "hold"}
        )
        order = self._create_order([(self.shirt, 2), (self.sock, 30)], oms_channel_id=channel.id)
        order.action_confirm()
        self.assertFalse(order.picking_ids)
        decision = self._assert_summary_is_true(order)
        self.assertEqual(order.oms_routing_state, "hold")
        self.assertFalse(order.oms_promised_date)
        self.assertEqual(order.oms_package_count, 0)
        self.assertNotIn("arrives by", decision.explanation)
        self.assertNotIn("arriving", decision.explanation)
        self.assertIn("On hold", decision.explanation)
        self.assertIn("Nobody ships 2 x Shirt, 30 x Sock", decision.explanation)
        # What could ship is said as a possibility, without a date.
        self.assertIn("NORTH could ship 2 x Shirt", decision.explanation)

    def test_hold_after_a_reroute_drops_the_old_promise(self):
        order = self._split_order()
        self.assertTrue(order.oms_promised_date)
        order.oms_channel_id = self.env["oms.channel"].create(
            {"name": "Hold", "code": "test-hold2", "unfulfillable_behaviour": "hold"}
        )
        order._oms_reroute(excluded_warehouses=self.south)
        self.assertEqual(order.oms_routing_state, "hold")
        self._assert_summary_is_true(order)
        self.assertFalse(order.oms_promised_date)

    def test_cancelled_order_is_no_longer_routed(self):
        order = self._split_order()
        order._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(self._deliveries(order))
        self.assertEqual(order.oms_routing_state, "cancel")
        decision = self._assert_summary_is_true(order)
        self.assertEqual(order.oms_package_count, 0)
        self.assertEqual(decision.trigger, "cancel")
        # One history row for the order, none per delivery Odoo cancelled with it.
        self.assertEqual(
            order.oms_decision_ids.sorted("id").mapped("trigger"), ["confirm", "cancel"]
        )
        self.assertIn("cancelled", decision.explanation)

    def test_cancelling_a_held_order_closes_its_todo(self):
        channel = self.env["oms.channel"].create(
            {"name": "Hold", "code": "test-hold3", "unfulfillable_behaviour": "hold"}
        )
        order = self._create_order([(self.sock, 30)], oms_channel_id=channel.id)
        order.action_confirm()
        self.assertEqual(len(order.activity_ids), 1)
        order._action_cancel()
        self.assertEqual(order.oms_routing_state, "cancel")
        self.assertFalse(order.activity_ids)

    def test_summary_at_confirmation_is_the_deliveries(self):
        """A first confirmation takes the summary from the plan without reading the
        deliveries again: it must be what reading them says."""
        summary = self.env["oms.routing.summary"]
        wait = self.env["oms.channel"].create(
            {"name": "Wait", "code": "test-wait", "unfulfillable_behaviour": "wait"}
        )
        store = self._create_node("STORE", oms_node_kind="store", oms_pickup_point=True)
        self._stock(self.shirt, store, 1)
        orders = [
            self._create_order([(self.shirt, 2), (self.sock, 3)]),  # split
            self._create_order([(self.shirt, 12)]),  # backorder
            self._create_order([(self.sock, 30)], oms_channel_id=wait.id),  # waiting
            self._create_order(  # pickup with a transfer
                [(self.shirt, 2)], oms_delivery_mode="pickup", oms_pickup_warehouse_id=store.id
            ),
        ]
        for order in orders:
            order.action_confirm()
            fields_now = summary._order_vals(summary._summary_of(order))
            self.assertEqual({name: order[name] for name in fields_now}, fields_now, order.name)
            self.assertEqual(
                order.oms_decision_id.explanation_data["now"],
                summary._statements(summary._summary_of(order)),
            )
