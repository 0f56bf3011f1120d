# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sync service's doors (docs/contracts.md) over RPC, as their user and as everyone else
(issue 21): orders, refunds and tracking only come in through the integration user, the
snapshots stay within the caller's companies, and an ack moves nobody's cursor but the
caller's own."""

from odoo import Command
from odoo.tests import tagged

from .access_common import USER_ERROR, OmsAccessCase, RpcError


@tagged("post_install", "-at_install")
class TestAccessSyncDoors(OmsAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sister = cls.env["res.company"].create({"name": "OMS Access Sister"})
        cls.sister_channel = cls.env["oms.channel"].create(
            {"name": "Sister shop", "code": "access-sister", "company_id": cls.sister.id}
        )
        cls.others = cls.staff_a | cls.service | cls.manager | cls.employee | cls.portal

    def _channel_orders(self, external_id):
        return self.env["sale.order"].search(
            [("oms_channel_id", "=", self.channel.id), ("oms_external_id", "=", external_id)]
        )

    def test_the_sync_service_runs_its_doors_with_no_other_right(self):
        key = self.api_key(self.sync)
        [ingested] = self.execute_kw(
            self.sync, key, "oms.intake", "ingest_orders", [self._order_payload("w-1")]
        )
        self.assertEqual(ingested["status"], "created", ingested)
        order = self._channel_orders("w-1")
        self._delivery(order).carrier_tracking_ref = "ACCESS-TRACK-1"
        scan = {
            "carrier": "dhl",
            "tracking_number": "ACCESS-TRACK-1",
            "status": "in_transit",
            "event_id": "dhl:ACCESS-TRACK-1:1",
        }
        [tracked] = self.execute_kw(self.sync, key, "oms.intake", "apply_tracking", [scan])
        self.assertEqual(tracked["status"], "updated", tracked)
        refund = {
            "channel": self.channel.code,
            "external_id": "w-1",
            "refund_id": "r-1",
            "amount": "9.00",
            "lines": [{"external_id": "l1", "quantity": 1, "restock_type": "cancel"}],
        }
        [refunded] = self.execute_kw(self.sync, key, "oms.intake", "apply_refunds", [refund])
        self.assertEqual(refunded["status"], "created", refunded)
        self.env.invalidate_all()
        self.assertEqual(order.order_line.product_uom_qty, 0.0)
        fetched = self.execute_kw(self.sync, key, "oms.outbox.event", "fetch_since", 0, 5000)
        self.assertIn("order.accepted", {event["topic"] for event in fetched["events"]})
        self.assertTrue(
            self.execute_kw(
                self.sync, key, "oms.outbox.event", "ack", "access-sync", fetched["cursor"]
            )
        )
        sellable = self.execute_kw(
            self.sync, key, "oms.channel", "export_sellable", "access-web", None
        )
        self.assertEqual({row["warehouse"] for row in sellable["stock"]}, {"ASA", "ASB"})
        network = self.execute_kw(self.sync, key, "oms.channel", "export_network", "access-web")
        self.assertTrue({"ASA", "ASB"} <= {node["id"] for node in network["nodes"]})

    def test_orders_refunds_and_tracking_come_from_the_sync_service_only(self):
        delivery = self._delivery(self.order_b)
        delivery.carrier_tracking_ref = "ACCESS-TRACK-B"
        scan = {
            "carrier": "dhl",
            "tracking_number": "ACCESS-TRACK-B",
            "status": "delivered",
            "event_id": "dhl:ACCESS-TRACK-B:1",
        }
        for user in self.others:
            external_id = f"forged-{user.login}"
            self.assertRefused(
                user, "oms.intake", "ingest_orders", [self._order_payload(external_id)]
            )
            self.assertFalse(self._channel_orders(external_id))
            self.assertRefused(user, "oms.intake", "apply_tracking", [scan])
            self.assertRefused(
                user,
                "oms.intake",
                "apply_refunds",
                [{"channel": "access-web", "external_id": "x", "refund_id": "r", "lines": []}],
            )
        self.env.invalidate_all()
        self.assertFalse(delivery.oms_tracking_status)

    def test_snapshots_are_for_the_sync_service_and_managers_within_their_companies(self):
        for user in self.staff_a | self.service | self.employee | self.portal:
            self.assertRefused(user, "oms.channel", "export_sellable", "access-web", None)
            self.assertRefused(user, "oms.channel", "export_network", "access-web")
        exported = self.call(self.manager, "oms.channel", "export_sellable", "access-web", None)
        self.assertTrue(exported["stock"])
        # Another company's channel is unknown to them, not exported in sudo.
        for user in self.sync | self.manager:
            for door in ("export_sellable", "export_network"):
                args = ("access-sister", None) if door == "export_sellable" else ("access-sister",)
                refused = self.assertRefused(user, "oms.channel", door, *args, error=USER_ERROR)
                self.assertIn("Unknown channel", refused.message)
        # Once they work for that company too, they may.
        self.sync.company_ids = [Command.link(self.sister.id)]
        exported = self.call(self.sync, "oms.channel", "export_network", "access-sister")
        self.assertEqual(exported["channel"], "access-sister")

    def test_an_ack_moves_the_callers_own_cursor_only(self):
        self.env["oms.outbox.event"]._insert_events([{"topic": "test.access", "payload": {}}])
        last = self.env["oms.outbox.event"].search([], order="id desc", limit=1).id
        self.assertTrue(self.call(self.sync, "oms.outbox.event", "ack", "access-sync", last - 1))
        Consumer = self.env["oms.outbox.consumer"]
        consumer = Consumer.search([("name", "=", "access-sync")])
        self.assertEqual(consumer.cursor, last - 1)
        # Nobody else moves it, nor makes a consumer of their own.
        other_sync = self._create_user("oms_access_sync_2", "oms_omnichannel.group_oms_integration")
        for user in self.others | other_sync:
            self.assertRefused(user, "oms.outbox.event", "ack", "access-sync", last)
        for user in self.others:
            self.assertRefused(user, "oms.outbox.event", "ack", f"access-{user.login}", last)
            self.assertFalse(Consumer.search([("name", "=", f"access-{user.login}")]))
        consumer.invalidate_recordset()
        self.assertEqual((consumer.cursor, consumer.user_id), (last - 1, self.sync))
        # An ack past the last event stops at it: the vacuum never deletes an unread event.
        self.assertTrue(self.call(self.sync, "oms.outbox.event", "ack", "access-sync", 10**9))
        consumer.invalidate_recordset()
        self.assertEqual(consumer.cursor, last)
        with self.assertRaises(RpcError):
            self.call(self.sync, "oms.outbox.consumer", "write", consumer.ids, {"cursor": 10**9})
        # Bad input is a clear error, not a moved cursor.
        self.assertRefused(
            self.sync, "oms.outbox.event", "ack", "access-sync", "x", error=USER_ERROR
        )
        self.assertRefused(self.sync, "oms.outbox.event", "ack", " ", last, error=USER_ERROR)
