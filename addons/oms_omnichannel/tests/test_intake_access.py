# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .test_intake_common import OmsIntakeCommon


class TestIntakeAccess(OmsIntakeCommon):
    """The sync service calls everything as an "OMS Integration" user, never as admin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration_user = new_test_user(
            cls.env,
            login="oms-sync-test",
            groups="base.group_user,oms_omnichannel.group_oms_integration",
        )
        cls.plain_user = new_test_user(cls.env, login="oms-plain-test", groups="base.group_user")

    def test_integration_user_runs_the_whole_route(self):
        env = self.env(user=self.integration_user)
        [result] = env["oms.intake"].ingest_orders([self._payload()])
        self.assertEqual(result["status"], "created", result)
        order = self._orders("1001")
        picking = self._ship(order, tracking_ref="ACL-1")[0]
        [tracked] = env["oms.intake"].apply_tracking(
            [
                {
                    "carrier": "dhl",
                    "tracking_number": "ACL-1",
                    "status": "in_transit",
                    "event_id": "dhl:ACL-1:1",
                }
            ]
        )
        self.assertEqual((tracked["status"], tracked["picking_id"]), ("updated", picking.id))
        self._flush_outbox()
        fetched = env["oms.outbox.event"].fetch_since(0, 500)
        topics = {event["topic"] for event in fetched["events"]}
        self.assertTrue({"order.accepted", "shipment.shipped", "stock.changed"} <= topics)
        self.assertTrue(env["oms.outbox.event"].ack("sync-acl", fetched["cursor"]))
        export = env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-A"])
        self.assertEqual(len(export["stock"]), 1)
        network = env["oms.channel"].export_network(self.channel.code)
        self.assertTrue(network["nodes"])

    def test_plain_user_cannot_read_the_outbox(self):
        env = self.env(user=self.plain_user)
        with self.assertRaises(AccessError):
            env["oms.outbox.event"].fetch_since(0, 10)
        with self.assertRaises(AccessError):
            env["oms.outbox.event"].ack("intruder", 10**9)
        with self.assertRaises(AccessError):
            env["oms.intake"].ingest_orders([self._payload()])
