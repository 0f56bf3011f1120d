# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import OmsChannelStockCase


class TestExportFences(OmsChannelStockCase):
    def _export(self, channel):
        export = self.env["oms.channel"].export_sellable(channel.code, [self.lamp.default_code])
        return {row["warehouse"]: row["sellable"] for row in export["stock"]}

    def test_each_channel_exports_its_own_figure(self):
        self._fence(self.market, percent=20)
        self.assertEqual(self._export(self.web), {"FDC": 80.0, "FST": 5.0})
        self.assertEqual(self._export(self.market), {"FDC": 100.0, "FST": 5.0})
        self.assertEqual(self._export(self.phone), {"FDC": 79.0, "FST": 4.0})

    def test_stock_changed_events_match_the_export(self):
        start = self._last_event_id()
        self._fence(self.market, quantity=20)
        self._order(self.market, 15)
        events = self._stock_events(start)
        for channel in self.channels:
            self.assertEqual(events[(channel, "FDC")], self._export(channel)["FDC"])
        self.assertEqual(events[(self.web, "FDC")], 80.0)
