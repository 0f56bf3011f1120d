"""Who did what: routing, re-routing, failover, holds and the deliveries the OMS cancels are
in the chatter of the order (and of the delivery) with the reason; switching a node off or
on is tracked on the node with who did it; a held order's to-do goes to a person."""

from freezegun import freeze_time
from odoo import Command
from odoo.tests import Form, tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestChatter(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls._create_node("MAIN")
        cls.backup = cls._create_node("BKUP", oms_priority=5)
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.main, 10)
        cls._stock(cls.shirt, cls.backup, 10)
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Nora Manager",
                "login": "nora.oms",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [Command.link(cls.env.ref("oms_omnichannel.group_oms_manager").id)],
            }
        )
        cls.hold = cls.env["oms.channel"].create(
            {
                "name": "Hold",
                "code": "chatter-hold",
                "unfulfillable_behaviour": "hold",
                "company_id": cls.company.id,
            }
        )

    def _notes(self, record):
        return record.message_ids.filtered(lambda m: m.message_type == "notification")

    def test_routing_and_reroute_are_noted_with_the_reason(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        [note] = self._notes(order).filtered(lambda m: "Routing" in m.body)
        self.assertIn("Order confirmed", note.body)
        self.assertIn("Ships in 1 package from MAIN", note.body)
        delivery = self._deliveries(order)
        order.with_user(self.manager)._oms_reroute(excluded_warehouses=self.main)
        newest = self._notes(order).sorted("id")[-1]
        self.assertIn("Re-routed by Nora Manager, leaving out MAIN", newest.body)
        self.assertIn(delivery.name, newest.body)
        self.assertIn("Ships in 1 package from BKUP", newest.body)
        # The cancelled delivery says why, in its own chatter.
        cancelled_note = self._notes(delivery).sorted("id")[-1]
        self.assertIn("Cancelled by the order management", cancelled_note.body)
        self.assertIn("Re-routed by Nora Manager", cancelled_note.body)

    def test_switching_a_node_off_and_on_is_tracked_with_who(self):
        order = self._create_order([(self.shirt, 1)])
        order.action_confirm()
        # What a commit does: Odoo tracks records created in an earlier transaction only.
        self.env.cr.flush()
        action = self.main.action_oms_switch_off()
        # Tracking is what this test is about (the test classes switch it off).
        context = {**action["context"], "tracking_disable": False}
        wizard = Form(
            self.env[action["res_model"]].with_user(self.manager).with_context(**context)
        ).save()
        wizard.action_switch_off()
        self.env.cr.flush()  # what a commit does: Odoo writes the tracking then
        self.main.with_user(self.manager).with_context(
            tracking_disable=False
        ).action_oms_switch_on()
        self.env.cr.flush()
        trackings = self.main.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "oms_routing_enabled"
        )
        self.assertEqual(len(trackings), 2)
        self.assertEqual(trackings.mail_message_id.author_id, self.manager.partner_id)
        switched_off = self.main.message_ids.filtered(lambda m: "Switched off" in m.body)
        self.assertIn(order.name, switched_off.body)
        self.assertEqual(switched_off.author_id, self.manager.partner_id)
        # The order says it too.
        self.assertIn(
            "MAIN was switched off for routing by Nora Manager", order.oms_decision_id.explanation
        )

    def test_hold_todo_goes_to_the_salesperson(self):
        order = self._create_order([(self.shirt, 50)], oms_channel_id=self.hold.id)
        order.user_id = self.manager
        order.action_confirm()
        self.assertEqual(order.activity_ids.user_id, self.manager)
        self.assertTrue(self._notes(order).filtered(lambda m: "On hold" in m.body))

    def test_hold_todo_never_goes_to_odoobot(self):
        bot = self.env.ref("base.user_root")
        order = self._create_order([(self.shirt, 50)], oms_channel_id=self.hold.id)
        order.user_id = bot
        self.company.oms_responsible_user_id = self.manager
        order.with_user(bot).action_confirm()
        self.assertEqual(order.activity_ids.user_id, self.manager)
        # Without a configured responsible: an OMS manager who is a person.
        self.company.oms_responsible_user_id = False
        other = self._create_order([(self.shirt, 50)], oms_channel_id=self.hold.id)
        other.user_id = bot
        other.action_confirm()
        self.assertNotEqual(other.activity_ids.user_id, bot)
        self.assertFalse(other.activity_ids.user_id.share)
