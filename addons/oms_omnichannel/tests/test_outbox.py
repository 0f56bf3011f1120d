# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from .test_intake_common import OmsIntakeCommon


class TestOutbox(OmsIntakeCommon):
    def _cursor(self):
        self._flush_outbox()
        return self.outbox.search([], order="id desc", limit=1).id or 0

    def _own_stock_events(self, start):
        """This test's channel's stock events after ``start``: a database with demo data has
        channels of its own, and each is told of every stock change."""
        return self._events("stock.changed").filtered(
            lambda e: e.id > start and e.channel_code == self.channel.code
        )

    def test_order_accepted_is_written_with_the_order(self):
        carriers = self.env["delivery.carrier"].search([])
        for carrier in carriers:
            carrier.oms_carrier_code = f"code-{carrier.id}"
        codes = {carrier.name: carrier.oms_carrier_code for carrier in carriers}
        start = self._cursor()
        [result] = self._ingest(self._payload())
        # ingest_orders flushes each order's savepoint: the row is in the database
        # already, in this very transaction, before anything commits.
        self.env.cr.execute(
            "SELECT topic, res_id FROM oms_outbox_event WHERE id > %s AND topic = %s",
            [start, "order.accepted"],
        )
        self.assertEqual(self.env.cr.fetchall(), [("order.accepted", result["order_id"])])
        [event] = self._events("order.accepted").filtered(lambda e: e.id > start)
        self.assertEqual(event.channel_code, self.channel.code)
        self.assertEqual(event.res_model, "sale.order")
        payload = event.payload
        self.assertEqual(payload["external_id"], "1001")
        self.assertEqual(payload["order_id"], result["order_id"])
        self.assertEqual(payload["order_name"], result["order_name"])
        self.assertTrue(payload["shipments"])
        shipped = {}
        for shipment in payload["shipments"]:
            self.assertEqual(shipment["warehouse"], self.warehouse.code)
            self.assertEqual(shipment["carrier_code"], codes[shipment["carrier"]])
            for line in shipment["lines"]:
                shipped[line["sku"]] = shipped.get(line["sku"], 0) + line["quantity"]
        self.assertEqual(shipped, {"OMS-TEST-A": 2.0, "OMS-TEST-B": 1.0})

    def test_back_office_order_of_a_channel(self):
        start = self._cursor()
        partner = self.env["res.partner"].create({"name": "Phone customer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "oms_channel_id": self.channel.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        [event] = self._events("order.accepted").filtered(lambda e: e.id > start)
        self.assertIsNone(event.payload["external_id"])
        self.assertEqual(event.payload["order_id"], order.id)
        # An order of no channel is nobody's business outside Odoo.
        start = self._cursor()
        other = order.copy({"oms_channel_id": False})
        other.action_confirm()
        self.assertFalse(self._events("order.accepted").filtered(lambda e: e.id > start))

    def test_reroute_tells_the_new_shipments(self):
        other = self.env["stock.warehouse"].create({"name": "Second DC", "code": "SDC"})
        self._set_stock(self.product_a, 10, location=other.lot_stock_id)
        self._set_stock(self.product_b, 10, location=other.lot_stock_id)
        self.channel.warehouse_ids = False
        self._ingest(self._payload())
        order = self._orders("1001")
        first_warehouse = order.picking_ids.picking_type_id.warehouse_id
        self.assertEqual(len(first_warehouse), 1)
        start = self._cursor()
        order._oms_reroute(excluded_warehouses=first_warehouse)
        [event] = self._events("order.accepted").filtered(lambda e: e.id > start)
        self.assertEqual(
            {shipment["warehouse"] for shipment in event.payload["shipments"]},
            {((self.warehouse | other) - first_warehouse).code},
        )

    def test_failed_order_writes_no_event(self):
        start = self._cursor()
        bad = self._payload("1002")
        bad["lines"][0]["sku"] = "NO-SUCH-SKU"
        self._ingest(bad)
        events = self._events().filtered(lambda e: e.id > start)
        self.assertFalse(events.filtered(lambda e: e.topic.startswith("order.")))

    def test_rolled_back_savepoint_drops_its_events(self):
        start = self._cursor()
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self._set_stock(self.product_a, 3)
            self.outbox._enqueue_stock_change({(self.product_b.id, self.warehouse.id)})
            raise RuntimeError("the order failed")
        self.assertFalse(self._events().filtered(lambda e: e.id > start))

    def test_fetch_since_by_cursor_in_order(self):
        start = self._cursor()
        self._ingest(self._payload("1001"), self._payload("1002"), self._payload("1003"))
        self._flush_outbox()
        first = self.outbox.fetch_since(start, 2)
        self.assertEqual(len(first["events"]), 2)
        ids = [e["id"] for e in first["events"]]
        self.assertEqual(ids, sorted(ids))
        self.assertTrue(all(i > start for i in ids))
        self.assertEqual(first["cursor"], ids[-1])
        rest = self.outbox.fetch_since(first["cursor"], 500)
        all_events = first["events"] + rest["events"]
        self.assertEqual(
            [e["payload"]["external_id"] for e in all_events if e["topic"] == "order.accepted"],
            ["1001", "1002", "1003"],
        )
        self.assertTrue(
            all(
                set(e)
                >= {"id", "topic", "channel_code", "res_model", "res_id", "payload", "create_date"}
                for e in all_events
            )
        )
        empty = self.outbox.fetch_since(rest["cursor"], 500)
        self.assertEqual(empty, {"events": [], "cursor": rest["cursor"]})

    def test_order_cancelled(self):
        self._ingest(self._payload(version=1))
        start = self._cursor()
        self._ingest(self._payload(version=2, status="cancelled", cancel_reason="customer"))
        [event] = self._events("order.cancelled").filtered(lambda e: e.id > start)
        self.assertEqual(event.payload["external_id"], "1001")
        self.assertEqual(event.payload["reason"], "customer")

    def test_shipment_shipped_with_tracking(self):
        self._ingest(self._payload())
        order = self._orders("1001")
        start = self._cursor()
        pickings = self._ship(order, tracking_ref="JD0146")
        events = self._events("shipment.shipped").filtered(lambda e: e.id > start)
        self.assertEqual(len(events), len(pickings), "one event per delivery, coalesced")
        payload = events[0].payload
        self.assertEqual(payload["external_id"], "1001")
        self.assertEqual(payload["order_name"], order.name)
        self.assertEqual(payload["picking_id"], pickings[0].id)
        self.assertEqual(payload["tracking_number"], "JD0146")
        self.assertEqual(payload["tracking_url"], "https://track.example.com/?n=JD0146")
        self.assertEqual(payload["carrier"], "Test Parcel")
        # Tracking events name carriers by code: the shop matches the two by it.
        self.assertEqual(payload["carrier_code"], "testparcel")
        self.assertEqual(payload["warehouse"], self.warehouse.code)
        lines = {line["external_line_id"]: line for line in payload["lines"]}
        self.assertEqual(lines["li-1"]["sku"], "OMS-TEST-A")
        self.assertEqual(lines["li-1"]["quantity"], 2.0)

    def test_tracking_number_added_after_validation(self):
        self._ingest(self._payload())
        picking = self._ship(self._orders("1001"))[0]
        start = self._cursor()
        picking.carrier_tracking_ref = "LATE-1"
        [event] = self._events("shipment.shipped").filtered(lambda e: e.id > start)
        self.assertEqual(event.payload["tracking_number"], "LATE-1")

    def test_stock_changed_is_coalesced_and_sellable(self):
        start = self._cursor()
        self._set_stock(self.product_a, 7)
        self._set_stock(self.product_a, 8)
        self._set_stock(self.product_a, 9)
        events = self._own_stock_events(start)
        self.assertEqual(len(events), 1, "three changes in one transaction, one event")
        self.assertEqual(events.channel_code, self.channel.code)
        # 9 on hand - 0 reserved - 1 safety stock
        self.assertEqual(
            events.payload,
            {"sku": "OMS-TEST-A", "warehouse": self.warehouse.code, "sellable": 8.0},
        )

    def test_shipping_reserved_stock_is_no_stock_change(self):
        self._ingest(self._payload())
        start = self._cursor()
        self._ship(self._orders("1001"), tracking_ref="SAME-1")
        self.assertTrue(self._events("shipment.shipped").filtered(lambda e: e.id > start))
        # Reserved units left the warehouse: on hand - reserved is what it was.
        self.assertFalse(self._events("stock.changed").filtered(lambda e: e.id > start))
        self._set_stock(self.product_a, 3)
        [event] = self._own_stock_events(start)
        self.assertEqual(event.payload["sellable"], 2.0)

    def test_reservation_changes_sellable(self):
        start = self._cursor()
        self._ingest(self._payload())
        events = self._own_stock_events(start)
        figures = {e.payload["sku"]: e.payload["sellable"] for e in events}
        # 10 on hand - reserved by the order - 1 safety stock
        self.assertEqual(figures, {"OMS-TEST-A": 7.0, "OMS-TEST-B": 8.0})

    def test_stock_changed_once_per_batch(self):
        start = self._cursor()
        bad = self._payload("1002")
        bad["lines"][1]["sku"] = "NO-SUCH-SKU"
        results = self._ingest(self._payload("1001"), bad, self._payload("1003"))
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        events = self._own_stock_events(start)
        figures = {e.payload["sku"]: e.payload["sellable"] for e in events}
        self.assertEqual(len(events), 2, "one event per product for the whole batch")
        # 10 on hand - 2 x 2 (A) or 2 x 1 (B) reserved - 1 safety stock
        self.assertEqual(figures, {"OMS-TEST-A": 5.0, "OMS-TEST-B": 7.0})

    def test_ack_and_vacuum(self):
        self._ingest(self._payload())
        cursor = self._cursor()
        self.assertTrue(self.outbox.ack("sync-test", cursor))
        consumer = self.env["oms.outbox.consumer"].search([("name", "=", "sync-test")])
        self.assertEqual(consumer.cursor, cursor)
        # An ack never moves a consumer backwards (late, redelivered ack).
        self.outbox.ack("sync-test", cursor - 1)
        consumer.invalidate_recordset()
        self.assertEqual(consumer.cursor, cursor)
        self.assertEqual(self.env["oms.outbox.consumer"]._acknowledged_cursor(), cursor)

        # Events after the acknowledged cursor, or too recent, survive the vacuum.
        self._set_stock(self.product_b, 4)
        newest = self._cursor()
        self.assertGreater(newest, cursor)
        old = fields.Datetime.now() - timedelta(days=30)
        self.env.cr.execute("UPDATE oms_outbox_event SET create_date = %s", [old])
        recent_acked = self.outbox.search([("id", "<=", cursor)], order="id desc", limit=1)
        self.env.cr.execute(
            "UPDATE oms_outbox_event SET create_date = now() WHERE id = %s", [recent_acked.id]
        )
        removed = self.outbox._cron_vacuum(days=7)
        self.assertGreater(removed, 0)
        remaining = self.outbox.search([])
        self.assertFalse(remaining.filtered(lambda e: e.id <= cursor and e != recent_acked))
        self.assertIn(recent_acked, remaining)
        self.assertTrue(remaining.filtered(lambda e: e.id > cursor))

    def test_vacuum_without_consumer_keeps_everything(self):
        self.env["oms.outbox.consumer"].search([]).unlink()
        self._ingest(self._payload())
        self._flush_outbox()
        self.env.cr.execute(
            "UPDATE oms_outbox_event SET create_date = %s",
            [fields.Datetime.now() - timedelta(days=30)],
        )
        count = self.outbox.search_count([])
        self.assertEqual(self.outbox._cron_vacuum(days=7), 0)
        self.assertEqual(self.outbox.search_count([]), count)
