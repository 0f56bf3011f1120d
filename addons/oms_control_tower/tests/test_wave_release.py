from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import OmsTowerCase


class TestWaveRelease(OmsTowerCase):
    """Deliveries of wave nodes wait, not released; the wave re-decides them together (fewer
    shipments where orders compete for the same stock), never later than promised."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.dc_north | cls.dc_south).write({"oms_wave_release": True, "oms_health_mode": "off"})
        cls.lamp = cls._create_product("Lamp")
        cls.shade = cls._create_product("Shade")
        # NORTH (rank 0, cheaper) has a lamp and a shade, SOUTH one lamp: the first order's
        # lamp from NORTH leaves the second order (lamp and shade) split in two.
        cls._stock(cls.lamp, cls.dc_north, 1)
        cls._stock(cls.shade, cls.dc_north, 1)
        cls._stock(cls.lamp, cls.dc_south, 1)

    def _competing_orders(self, **vals):
        first = self._confirmed([(self.lamp, 1)], **vals)
        second = self._confirmed([(self.lamp, 1), (self.shade, 1)], **vals)
        return first, second

    def _nodes(self, order):
        return self._deliveries(order).picking_type_id.warehouse_id

    def test_held_until_the_wave_then_fewer_shipments(self):
        first, second = self._competing_orders()
        held = self._deliveries(first) | self._deliveries(second)
        self.assertEqual(len(held), 3, "one by one: the second order is split")
        self.assertEqual(set(held.mapped("oms_wave_state")), {"waiting"})
        wave = held.oms_wave_id
        self.assertEqual(len(wave), 1)
        promised = {o: o.oms_promised_date for o in (first, second)}
        with self.assertRaisesRegex(UserError, "wait for their wave"):
            held[0].move_ids.write({"quantity": 1, "picked": True})
            held[0]._action_done()
        held[0].move_ids.picked = False

        wave.action_release()

        self.assertEqual(wave.state, "released")
        self.assertEqual(self._nodes(first), self.dc_south)
        self.assertEqual(self._nodes(second), self.dc_north)
        self.assertEqual(len(self._deliveries(second)), 1, "the second order ships whole")
        released = self._deliveries(first) | self._deliveries(second)
        self.assertEqual(set(released.mapped("oms_wave_state")), {"released"})
        self.assertEqual((wave.shipments_before, wave.shipments_after), (3, 2))
        self.assertLess(wave.cost_after, wave.cost_before)
        self.assertEqual(wave.changed_order_ids, first | second)
        self.assertEqual(wave.order_count, 2)
        for order in (first, second):
            self.assertLessEqual(order.oms_promised_date, promised[order])
            self.assertEqual(order.oms_decision_id.trigger, "wave")
            self.assertIn(wave.name, order.oms_decision_id.explanation)
        self.assertIn("2 shipment(s) instead of 3", wave.message_ids[0].body)

        # Released twice (the cron and a person at once): the second does nothing.
        self.assertFalse(wave._release())
        self.assertEqual(len(self._deliveries(first) | self._deliveries(second)), 2)

    def test_no_order_later_than_its_promise(self):
        # SOUTH needs three more days; a policy blind to lateness would still move the
        # first order there to save the second one's parcel.
        self.dc_south.oms_handling_days = 3
        policy = self.env["oms.sourcing.policy"].create(
            {"name": "Blind to lateness", "weight_lateness": 0.0, "company_id": self.company.id}
        )
        channel = self.env["oms.channel"].create(
            {
                "name": "Wave shop",
                "code": "wave-shop",
                "company_id": self.company.id,
                "sourcing_policy_id": policy.id,
            }
        )
        first, second = self._competing_orders(oms_channel_id=channel.id)
        promised = {o: o.oms_promised_date for o in (first, second)}
        wave = (self._deliveries(first) | self._deliveries(second)).oms_wave_id

        wave.action_release()

        self.assertEqual(wave.kept_for_promise_count, 1)
        self.assertEqual(self._nodes(first), self.dc_north)
        self.assertEqual(len(self._deliveries(second)), 2)
        for order in (first, second):
            self.assertLessEqual(order.oms_promised_date, promised[order])
        self.assertEqual(wave.shipments_before, wave.shipments_after)

    def test_nothing_to_gain_releases_as_routed(self):
        order = self._confirmed([(self.mug, 2)])
        delivery = self._deliveries(order)
        wave = delivery.oms_wave_id
        wave.action_release()
        self.assertEqual(self._deliveries(order), delivery, "not planned again")
        self.assertEqual(delivery.oms_wave_state, "released")
        self.assertFalse(wave.changed_order_ids)

    def test_a_wave_that_saves_nothing_together_plans_nothing_again(self):
        # NORTH's lamp is gone when the order is routed: it waits at SOUTH. The lamp is back
        # at NORTH before the wave leaves; decided together or one by one, the order ships in
        # one parcel either way, so the wave leaves the routed delivery alone (moving it
        # would cost a new delivery and its reservations for no shipment saved).
        self._stock(self.lamp, self.dc_north, -1)
        order = self._confirmed([(self.lamp, 1)])
        delivery = self._deliveries(order)
        self.assertEqual(self._nodes(order), self.dc_south)
        self._stock(self.lamp, self.dc_north, 1)
        wave = delivery.oms_wave_id

        wave.action_release()

        self.assertEqual(self._deliveries(order), delivery, "not planned again")
        self.assertEqual(delivery.oms_wave_state, "released")
        self.assertFalse(wave.changed_order_ids)
        self.assertEqual(wave.shipments_before, wave.shipments_after)

    def test_the_cron_releases_due_waves_once(self):
        order = self._confirmed([(self.mug, 1)])
        wave = self._deliveries(order).oms_wave_id
        self.env["oms.wave"]._cron_release_due()
        self.assertEqual(wave.state, "open", "not due yet")
        wave.release_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["oms.wave"]._cron_release_due()
        self.env["oms.wave"]._cron_release_due()
        self.assertEqual(wave.state, "released")
        self.assertEqual(self._deliveries(order).oms_wave_state, "released")
        later = self._confirmed([(self.mug, 1)])
        self.assertNotEqual(self._deliveries(later).oms_wave_id, wave, "a new wave collects")

    def test_only_an_oms_manager_releases(self):
        order = self._confirmed([(self.mug, 1)])
        wave = self._deliveries(order).oms_wave_id
        clerk = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "wave_clerk",
                "company_id": self.company.id,
                "company_ids": [fields.Command.set(self.company.ids)],
                "groups_id": [
                    fields.Command.set(
                        [self.env.ref("oms_omnichannel.group_oms_customer_service").id]
                    )
                ],
            }
        )
        with self.assertRaises(AccessError):
            wave.with_user(clerk).sudo().action_release()
        self.assertEqual(wave.state, "open")
