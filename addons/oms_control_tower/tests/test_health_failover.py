from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .common import OmsTowerCase


class TestHealthFailover(OmsTowerCase):
    """Signals over their limits warn, then switch a node off (its unstarted work moves), with
    hysteresis, a cool-down, a manual override and the switch back when they clear."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "oms_health_grace_minutes": 0,
                "oms_health_cooldown_minutes": 60,
                "oms_health_clear_ratio": 0.8,
            }
        )
        cls.dc_north.write({"oms_health_mode": "auto", "oms_backlog_limit_hours": 24})
        cls.dc_south.oms_health_mode = "off"
        cls.Signal = cls.env["oms.node.signal"]

    def setUp(self):
        super().setUp()
        # The checks of a test run a minute apart, in the past (signals are never recorded
        # in the future): each one's readings are later than the one before.
        self.clock = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)

    def _check(self, now=None):
        self.clock += timedelta(minutes=1)
        return super()._check(now or self.clock)

    def _answers(self, node, rejects, accepts, start=0):
        for n in range(start, start + rejects):
            self.Signal._record(
                "reject",
                source="test",
                warehouse=node,
                key=f"r{n}",
                observed_at=self.clock - timedelta(seconds=n + 1),
            )
        for n in range(start, start + accepts):
            self.Signal._record(
                "accept",
                3,
                source="test",
                warehouse=node,
                key=f"a{n}",
                observed_at=self.clock - timedelta(seconds=n + 1),
            )

    def _cool_down(self, status):
        status.last_switch_at = self.clock - timedelta(hours=2)

    def test_backlog_warns_switches_off_moves_work_and_switches_back(self):
        order = self._confirmed([(self.mug, 1)])
        delivery = self._deliveries(order)
        self.assertEqual(delivery.picking_type_id.warehouse_id, self.dc_north)
        self._age(delivery, 30, now=self.clock + timedelta(minutes=1))

        self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "warning")
        self.assertEqual(self._events(status), ["warn"])
        self.assertTrue(self.dc_north.oms_routing_enabled, "a warning leaves the node on")
        activity = status.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("waited 30 hours", status.event_ids.explanation)
        self.assertIn("limit 24", status.event_ids.explanation)

        self._check()
        self.assertEqual(status.state, "off")
        self.assertFalse(self.dc_north.oms_routing_enabled)
        self.assertEqual(delivery.state, "cancel")
        moved = self._deliveries(order)
        self.assertEqual(moved.picking_type_id.warehouse_id, self.dc_south)
        event = status.event_ids.filtered(lambda e: e.action == "switch_off")
        self.assertEqual(event.order_ids, order)
        self.assertIn("switched off for routing automatically", event.explanation)
        # The order's history says why, in words.
        self.assertIn("switched off for routing automatically", order.oms_decision_id.explanation)
        self.assertIn("switched off for routing automatically", self.dc_north.message_ids[0].body)

        # Its backlog is gone (moved), but the cool-down keeps it off for now.
        self._check()
        self.assertEqual(status.state, "off")
        self._cool_down(status)
        self._check()
        self.assertEqual(status.state, "ok")
        self.assertTrue(self.dc_north.oms_routing_enabled)
        self.assertEqual(self._events(status), ["warn", "switch_off", "switch_on"])
        self.assertFalse(status.activity_ids, "the to-do is done when it switches back on")

    def test_an_order_routing_refuses_does_not_hold_back_the_others(self):
        first = self._confirmed([(self.mug, 1)])
        second = self._confirmed([(self.mug, 1)])
        deliveries = self._deliveries(first) | self._deliveries(second)
        self._age(deliveries, 30, now=self.clock + timedelta(minutes=1))
        SaleOrder = type(self.env["sale.order"])
        reroute = SaleOrder._oms_reroute

        def refuse_the_first(order, **kwargs):
            if order == first:
                raise UserError(order.env._("Someone is changing this order right now."))
            return reroute(order, **kwargs)

        self.patch(SaleOrder, "_oms_reroute", refuse_the_first)
        self._check()  # warned
        self._check()  # switched off: the second order moves, the first stays

        status = self._status(self.dc_north)
        self.assertEqual(status.state, "off")
        self.assertFalse(self.dc_north.oms_routing_enabled)
        self.assertEqual(self._deliveries(second).picking_type_id.warehouse_id, self.dc_south)
        self.assertEqual(self._deliveries(first).picking_type_id.warehouse_id, self.dc_north)
        event = status.event_ids.filtered(lambda e: e.action == "switch_off")
        self.assertEqual(event.order_ids, second)
        todo = first.activity_ids
        self.assertEqual(todo.summary, "Plan this order again by hand")
        self.assertEqual(todo.user_id, self.manager)
        self.assertIn("Someone is changing this order right now.", todo.note)

    def test_hysteresis_between_clear_level_and_limit(self):
        self.dc_north.oms_reject_rate_limit = 0.5  # clears under 0.4
        self._answers(self.dc_north, rejects=4, accepts=1)  # 80 %
        self._check()
        self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "off")
        self._cool_down(status)
        self._answers(self.dc_north, rejects=0, accepts=4, start=10)  # 4 of 9: 44 %
        self._check()
        self.assertEqual(status.state, "off", "under the limit but over the clear level")
        self._answers(self.dc_north, rejects=0, accepts=3, start=20)  # 4 of 12: 33 %
        self._check()
        self.assertEqual(status.state, "ok")
        self.assertTrue(self.dc_north.oms_routing_enabled)

    def test_warned_node_that_recovers_is_never_switched(self):
        self.dc_north.oms_reject_rate_limit = 0.5
        self.company.oms_health_grace_minutes = 30
        self._answers(self.dc_north, rejects=4, accepts=1)
        self._check()
        status = self._status(self.dc_north)
        self._check()
        self.assertEqual(status.state, "warning", "still within the grace period")
        self._answers(self.dc_north, rejects=0, accepts=10, start=10)
        self._check()
        self.assertEqual(status.state, "ok")
        self.assertEqual(self._events(status), ["warn", "clear"])
        self.assertTrue(self.dc_north.oms_routing_enabled)

    def test_warn_only_mode_never_switches(self):
        self.dc_north.write({"oms_health_mode": "warn", "oms_reject_rate_limit": 0.5})
        self._answers(self.dc_north, rejects=5, accepts=0)
        for _run in range(3):
            self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "warning")
        self.assertTrue(self.dc_north.oms_routing_enabled)
        self.assertIn("warning only", status.event_ids.explanation)

    def test_running_twice_changes_nothing_the_second_time(self):
        self.company.oms_health_grace_minutes = 30
        self.dc_north.oms_reject_rate_limit = 0.5
        self._answers(self.dc_north, rejects=5, accepts=0)
        self._check()
        # The same minute again, as a second cron worker would (our _check moves the clock).
        self.env["oms.health.monitor"]._cron_check_health(now=self.clock)
        status = self._status(self.dc_north)
        self.assertEqual(self._events(status), ["warn"])
        self.assertEqual(len(status.activity_ids), 1)

    def test_keep_on_overrides_the_signals(self):
        self.dc_north.oms_reject_rate_limit = 0.5
        self._answers(self.dc_north, rejects=5, accepts=0)
        self._check()
        self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "off")
        status.action_keep_on()
        self.assertEqual(status.state, "ok")
        self.assertTrue(self.dc_north.oms_routing_enabled)
        self._cool_down(status)
        for _run in range(2):
            self._check()
        self.assertTrue(self.dc_north.oms_routing_enabled, "kept on whatever the signals say")
        self.assertEqual(status.state, "warning")
        status.action_automatic()
        self._cool_down(status)
        self._check()
        self.assertFalse(self.dc_north.oms_routing_enabled)

    def test_a_node_a_person_switched_off_stays_off(self):
        self.dc_north.oms_routing_enabled = False
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "off")
        self.assertEqual(self._events(status), ["manual_off"])
        self._cool_down(status)
        self._check()
        self.assertFalse(self.dc_north.oms_routing_enabled)
        self.assertEqual(status.state, "off")

    def test_keep_on_switches_on_what_a_person_switched_off(self):
        status = self.env["oms.health.status"]._ensure_for_nodes(self.dc_north)
        status.action_keep_off()
        self.assertFalse(self.dc_north.oms_routing_enabled)
        # The same manager changes their mind: the latest word counts.
        status.action_keep_on()
        self.assertEqual(status.state, "ok")
        self.assertTrue(self.dc_north.oms_routing_enabled)
        self.assertEqual(self._events(status)[-1], "switch_on")
        # Switched off by hand on the node, then kept on from its health record.
        self.dc_north.oms_routing_enabled = False
        self.assertEqual(status.state, "off")
        status.action_automatic()
        status.action_keep_on()
        self.assertTrue(self.dc_north.oms_routing_enabled)

    def _always_open_store(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Always open",
                "tz": "UTC",
                "attendance_ids": [
                    fields.Command.create(
                        {"name": f"day {d}", "dayofweek": str(d), "hour_from": 0, "hour_to": 24}
                    )
                    for d in range(7)
                ],
            }
        )
        self.dc_north.write({"oms_opening_calendar_id": calendar.id, "oms_pos_silence_limit": 30})
        return calendar

    def _till_heard(self, at):
        self.Signal._record(
            "pos_seen", source="test", warehouse=self.dc_north, key="till 1", observed_at=at
        )

    def test_a_till_silent_on_a_closing_day_is_not_silent(self):
        calendar = self._always_open_store()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": self.clock - timedelta(hours=12),
                "date_to": self.clock + timedelta(hours=12),
            }
        )
        self._till_heard(self.clock - timedelta(minutes=90))
        self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "ok", "the store is closed today: its tills are quiet")
        silences = self.env["oms.health.monitor"]._pos_silences(self.dc_north, self.clock)
        self.assertEqual(silences, {self.dc_north.id: 0.0})

    def test_a_silent_till_in_opening_hours(self):
        self._always_open_store()
        self._till_heard(self.clock - timedelta(minutes=90))
        self._check()
        status = self._status(self.dc_north)
        self.assertEqual(status.state, "warning")
        self.assertIn("no till has been heard from", status.event_ids.explanation)
        # The till comes back: the silence is over.
        self._till_heard(self.clock)
        self._check()
        self.assertEqual(status.state, "ok")
