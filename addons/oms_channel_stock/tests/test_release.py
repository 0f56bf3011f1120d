# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from .common import OmsChannelStockCase


class TestRelease(OmsChannelStockCase):
    def test_new_fence_tells_the_channels(self):
        # The figures as the shops last heard them.
        self.env["oms.outbox.event"]._enqueue_stock_change({(self.lamp.id, self.dc.id)})
        start = self._last_event_id()
        self._fence(self.market, percent=20)
        events = self._stock_events(start)
        self.assertEqual(events[(self.web, "FDC")], 80.0)
        self.assertEqual(events[(self.phone, "FDC")], 79.0)
        # The marketplace's own figure did not change: nothing to tell it.
        self.assertNotIn((self.market, "FDC"), events)

    def test_cron_hands_back_due_fences_and_publishes(self):
        now = fields.Datetime.now()
        due = self._fence(self.market, percent=20, release_at=now - timedelta(minutes=5))
        later = self._fence(
            self.market, warehouse=self.store, percent=100, release_at=now + timedelta(days=1)
        )
        # Until the job ran, the fence holds (the shops were told it does).
        self.assertEqual(self._seen()[self.web], 80.0)
        start = self._last_event_id()
        released = self.Rule._cron_release()
        self.assertEqual(released, due)
        self.assertTrue(due.released)
        self.assertFalse(later.released)
        self.assertEqual(self._seen()[self.web], 100.0)
        events = self._stock_events(start)
        self.assertEqual(events[(self.web, "FDC")], 100.0)
        self.assertEqual(events[(self.phone, "FDC")], 99.0)
        self.assertNotIn((self.web, "FST"), events)
        # Running it again changes nothing and tells nobody anything.
        start = self._last_event_id()
        self.assertFalse(self.Rule._cron_release())
        self.assertEqual(self._stock_events(start), {})

    def test_deleting_a_fence_tells_the_channels(self):
        rule = self._fence(self.market, categ_id=self.lamps.id, percent=20)
        start = self._last_event_id()
        rule.unlink()
        self.assertEqual(self._stock_events(start)[(self.web, "FDC")], 100.0)
