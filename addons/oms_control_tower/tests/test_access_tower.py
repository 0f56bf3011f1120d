from datetime import datetime, timezone

from odoo.addons.oms_omnichannel.tests.access_common import OmsAccessCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAccessTower(OmsAccessCase):
    """Every door of the control tower, called over JSON-RPC by the wrong people."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wrong = (cls.staff_a, cls.service, cls.employee, cls.portal, cls.sync)
        cls.status = cls.env["oms.health.status"].create(
            {"warehouse_id": cls.store_a.id, "company_id": cls.company.id}
        )
        cls.wave = cls.env["oms.wave"].create({"company_id": cls.company.id})
        cls.policy = cls.env["oms.sourcing.policy"].create(
            {"name": "Access policy", "company_id": cls.company.id}
        )

    def _snapshot(self):
        return {"reported_at": datetime.now(timezone.utc).isoformat(), "inbox": {"pending": 3}}

    def test_the_cockpit_is_for_oms_managers(self):
        answer = self.call(self.manager, "oms.tower.dashboard", "get_cockpit")
        self.assertIn("sections", answer)
        for user in self.wrong:
            with self.subTest(user=user.login):
                self.assertRefused(user, "oms.tower.dashboard", "get_cockpit")

    def test_only_the_sync_service_reports_its_health(self):
        key = self.api_key(self.sync)
        report_id = self.execute_kw(
            self.sync, key, "oms.sync.health", "report_health", self._snapshot()
        )
        self.assertTrue(self.env["oms.sync.health"].browse(report_id).exists())
        for user in (self.staff_a, self.service, self.employee, self.portal, self.manager):
            with self.subTest(user=user.login):
                self.assertRefused(user, "oms.sync.health", "report_health", self._snapshot())

    def test_a_bad_report_is_refused_and_stores_nothing(self):
        key = self.api_key(self.sync)
        before = self.env["oms.sync.health"].search_count([])
        for snapshot in (
            "nonsense",
            {"inbox": {"pending": 1}},
            {"reported_at": "2026-01-05T10:00:00", "inbox": {}},
            {**self._snapshot(), "inbox": {"pending": -1}},
            {**self._snapshot(), "dead_letters": "many"},
        ):
            with self.subTest(snapshot=snapshot), self.assertRaises(Exception) as caught:
                self.execute_kw(self.sync, key, "oms.sync.health", "report_health", snapshot)
            self.assertEqual(caught.exception.name, "odoo.exceptions.UserError")
        self.assertEqual(self.env["oms.sync.health"].search_count([]), before)

    def test_switches_waves_and_replays_are_for_oms_managers(self):
        for user in self.wrong:
            with self.subTest(user=user.login):
                self.assertRefused(user, "oms.health.status", "action_keep_off", [self.status.id])
                self.assertRefused(user, "oms.wave", "action_release", [self.wave.id])
                self.assertRefused(
                    user, "oms.policy.replay", "create", {"policy_id": self.policy.id}
                )
                self.assertRefused(user, "oms.node.signal", "search_read", [])
                self.assertRefused(user, "oms.health.monitor", "_cron_check_health")
        self.call(self.manager, "oms.health.status", "action_keep_off", [self.status.id])
        self.assertFalse(self.store_a.oms_routing_enabled)
        self.call(self.manager, "oms.wave", "action_release", [self.wave.id])
        self.assertEqual(self.wave.state, "released")
        replay_id = self.call(
            self.manager, "oms.policy.replay", "create", {"policy_id": self.policy.id}
        )
        self.call(self.manager, "oms.policy.replay", "action_replay", [replay_id])
