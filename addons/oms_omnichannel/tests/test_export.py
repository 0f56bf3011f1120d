# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import UserError

from .test_intake_common import OmsIntakeCommon


class TestExport(OmsIntakeCommon):
    def _figures(self, export):
        return {(row["sku"], row["warehouse"]): row["sellable"] for row in export["stock"]}

    def test_sellable_is_on_hand_minus_reserved_minus_safety_stock(self):
        self._ingest(self._payload())  # reserves 2 A and 1 B
        export = self.env["oms.channel"].export_sellable(self.channel.code)
        self.assertTrue(export["as_of"].endswith("Z"))
        figures = self._figures(export)
        code = self.warehouse.code
        self.assertEqual(figures[("OMS-TEST-A", code)], 10 - 2 - 1)
        self.assertEqual(figures[("OMS-TEST-B", code)], 10 - 1 - 1)
        # Cross-check against Odoo's own figures for the warehouse.
        product = self.product_a.with_context(warehouse_id=self.warehouse.id)
        self.assertEqual(figures[("OMS-TEST-A", code)], product.free_qty - 1)

    def test_export_says_which_outbox_events_it_includes(self):
        self._set_stock(self.product_a, 4)
        self._flush_outbox()
        last = self.outbox.search([], order="id desc", limit=1)
        last_a = self.outbox.search(
            [("topic", "=", "stock.changed"), ("res_id", "=", self.product_a.id)],
            order="id desc",
            limit=1,
        )
        export = self.env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-A"])
        self.assertEqual(export["cursor"], last.id)
        self.assertEqual(last_a.payload["sellable"], export["stock"][0]["sellable"])
        self.assertEqual(export["stock"][0]["sellable"], 3.0)

    def test_sellable_for_some_skus_never_negative(self):
        self._set_stock(self.product_b, 0)
        export = self.env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-B"])
        self.assertEqual(
            export["stock"],
            [{"sku": "OMS-TEST-B", "warehouse": self.warehouse.code, "sellable": 0.0}],
        )

    def test_only_the_channels_warehouses(self):
        other = self.env["stock.warehouse"].create({"name": "Other DC", "code": "OTDC"})
        self._set_stock(self.product_a, 50, location=other.lot_stock_id)
        figures = self._figures(
            self.env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-A"])
        )
        self.assertEqual(set(figures), {("OMS-TEST-A", self.warehouse.code)})
        # A channel without a list sells from every routable node.
        self.channel.warehouse_ids = False
        figures = self._figures(
            self.env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-A"])
        )
        self.assertEqual(figures[("OMS-TEST-A", "OTDC")], 49.0)
        other.oms_routing_enabled = False
        figures = self._figures(
            self.env["oms.channel"].export_sellable(self.channel.code, ["OMS-TEST-A"])
        )
        self.assertNotIn(("OMS-TEST-A", "OTDC"), figures)

    def test_unknown_channel(self):
        with self.assertRaises(UserError):
            self.env["oms.channel"].export_sellable("nowhere")

    def test_stock_changed_matches_export(self):
        self._ingest(self._payload())
        self._set_stock(self.product_a, 6)
        self._flush_outbox()
        latest = {}
        for event in self.outbox.search([("topic", "=", "stock.changed")], order="id"):
            if event.channel_code == self.channel.code:
                latest[(event.payload["sku"], event.payload["warehouse"])] = event.payload[
                    "sellable"
                ]
        figures = self._figures(self.env["oms.channel"].export_sellable(self.channel.code))
        for key, sellable in latest.items():
            self.assertEqual(figures[key], sellable, key)
        self.assertEqual(latest[("OMS-TEST-A", self.warehouse.code)], 6 - 2 - 1)

    def test_export_network_is_json(self):
        network = self.env["oms.channel"].export_network(self.channel.code)
        json.dumps(network)  # the sync service receives it over JSON-RPC
        self.assertEqual(network["channel"], self.channel.code)
        node_ids = [node["id"] for node in network["nodes"]]
        self.assertIn(self.warehouse.code, node_ids)
        self.assertIn("policy", network)
        self.assertIn("carrier_services", network)
