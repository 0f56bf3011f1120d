from freezegun import freeze_time
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestFailoverAndReroute(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls._create_node("MAIN")
        cls.backup = cls._create_node("BKUP", oms_priority=5)
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        for product in (cls.shirt, cls.cap):
            cls._stock(product, cls.main, 10)
            cls._stock(product, cls.backup, 10)

    def _confirmed_order(self, lines=None):
        order = self._create_order(lines or [(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(
            set(self._deliveries(order).picking_type_id.warehouse_id.mapped("code")), {"MAIN"}
        )
        return order

    def _failover_wizard(self, warehouse):
        action = warehouse.action_oms_switch_off()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_wizard_lists_open_unstarted_deliveries_and_moves_them(self):
        first = self._confirmed_order()
        second = self._confirmed_order([(self.cap, 2)])
        started = self._confirmed_order()
        started_delivery = self._deliveries(started)
        started_delivery.move_ids.picked = True
        wizard_form = self._failover_wizard(self.main)
        wizard = wizard_form.save()
        self.assertEqual(wizard.picking_ids, self._deliveries(first) | self._deliveries(second))
        wizard.action_switch_off()
        self.assertFalse(self.main.oms_routing_enabled)
        self.assertEqual(self._shipped(first), {("BKUP", self.shirt): 1.0})
        self.assertEqual(self._shipped(second), {("BKUP", self.cap): 2.0})
        self.assertEqual(first.oms_decision_id.trigger, "failover")
        self.assertEqual(len(first.oms_decision_ids), 2)
        self.assertEqual(first.oms_decision_ids.filtered("is_current"), first.oms_decision_id)
        # The picked delivery stays where it is.
        self.assertEqual(started_delivery.state, "assigned")
        self.assertEqual(self._deliveries(started), started_delivery)

    def test_failover_keeps_the_promise_of_the_deliveries_it_does_not_move(self):
        slow = self._create_node("SLOW", oms_handling_days=3)
        scarf = self._create_product("Scarf")
        self._stock(scarf, slow, 5)
        order = self._create_order([(self.shirt, 1), (scarf, 1)])
        order.action_confirm()
        slow_delivery = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == slow
        )
        self.assertEqual(order.oms_promised_date, slow_delivery.oms_promised_date)
        self._failover_wizard(self.main).save().action_switch_off()
        moved = self._deliveries(order) - slow_delivery
        self.assertEqual(moved.picking_type_id.warehouse_id, self.backup)
        self.assertLess(moved.oms_promised_date, slow_delivery.oms_promised_date)
        # The order arrives when its last delivery does, not when the re-routed one does.
        self.assertEqual(order.oms_promised_date, slow_delivery.oms_promised_date)

    def test_switched_off_node_takes_no_new_orders(self):
        wizard = self._failover_wizard(self.main).save()
        wizard.action_switch_off()
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("BKUP", self.shirt): 1.0})
        self.assertIn("MAIN", order.oms_decision_id.explanation)

    def test_switch_off_without_reroute_leaves_deliveries(self):
        order = self._confirmed_order()
        delivery = self._deliveries(order)
        wizard_form = self._failover_wizard(self.main)
        wizard_form.reroute = False
        wizard_form.save().action_switch_off()
        self.assertFalse(self.main.oms_routing_enabled)
        self.assertEqual(self._deliveries(order), delivery)

    def test_reroute_wizard_excluding_a_node(self):
        order = self._confirmed_order([(self.shirt, 1), (self.cap, 1)])
        old = self._deliveries(order)
        action = order.action_oms_reroute()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.excluded_warehouse_ids.add(self.main)
        wizard = wizard_form.save()
        self.assertEqual(wizard.picking_ids, old)
        wizard.action_reroute()
        self.assertEqual(old.state, "cancel")
        self.assertEqual(self._shipped(order), {("BKUP", self.shirt): 1.0, ("BKUP", self.cap): 1.0})
        self.assertEqual(order.oms_decision_id.trigger, "reroute")
        self.assertEqual(order.oms_decision_id.excluded_warehouse_ids, self.main)
        new = self._deliveries(order)
        self.assertEqual(new.oms_decision_id, order.oms_decision_id)
        self.assertEqual(new.carrier_id, self.parcel)
        self.assertEqual(order.oms_decision_id.shipment_line_ids.picking_id, new)

    def test_reroute_without_exclusion_plans_again(self):
        order = self._confirmed_order()
        order._oms_reroute()
        self.assertEqual(self._shipped(order), {("MAIN", self.shirt): 1.0})
        self.assertEqual(len(self._deliveries(order)), 1)

    def test_reroute_needs_a_confirmed_order(self):
        order = self._create_order([(self.shirt, 1)])
        with self.assertRaises(UserError):
            order._oms_reroute()
