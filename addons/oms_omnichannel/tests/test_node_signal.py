from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.exceptions import UserError

from .common import OmsRoutingCase


class TestNodeSignal(OmsRoutingCase):
    """oms.node.signal._record: one row per key, never moved backwards, bad input refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store = cls._create_node("STO", oms_node_kind="store")
        cls.signals = cls.env["oms.node.signal"]
        cls.now = fields.Datetime.now().replace(microsecond=0)

    def _rows(self, **domain):
        return self.signals.search([(k, "=", v) for k, v in domain.items()])

    def test_same_key_twice_keeps_one_row(self):
        first = self.signals._record(
            "reject", source="test", warehouse=self.store, key="picking 1", observed_at=self.now
        )
        again = self.signals._record(
            "reject", source="test", warehouse=self.store, key="picking 1", observed_at=self.now
        )
        self.assertEqual(first, again)
        self.assertEqual(len(self._rows(kind="reject", warehouse_id=self.store.id)), 1)
        self.assertEqual(first.company_id, self.company)

    def test_reading_moves_forward_never_back(self):
        earlier = self.now - timedelta(minutes=10)
        row = self.signals._record(
            "pos_seen", source="test", warehouse=self.store, key="till 1", observed_at=earlier
        )
        self.signals._record(
            "pos_seen", 2, source="test", warehouse=self.store, key="till 1", observed_at=self.now
        )
        self.assertEqual(row.observed_at, self.now)
        self.assertEqual(row.value, 2)
        # A late, older observation (a retry after a newer one) changes nothing.
        self.signals._record(
            "pos_seen", 5, source="test", warehouse=self.store, key="till 1", observed_at=earlier
        )
        self.assertEqual((row.observed_at, row.value), (self.now, 2))
        self.assertEqual(len(self._rows(kind="pos_seen")), 1)

    def test_events_without_key_are_one_row_per_moment(self):
        self.signals._record("reject", source="test", warehouse=self.store, observed_at=self.now)
        self.signals._record(
            "reject",
            source="test",
            warehouse=self.store,
            observed_at=self.now - timedelta(hours=1),
        )
        self.signals._record("reject", source="test", warehouse=self.store, observed_at=self.now)
        self.assertEqual(len(self._rows(kind="reject", warehouse_id=self.store.id)), 2)

    def test_aware_and_iso_times_are_stored_in_utc(self):
        berlin = timezone(timedelta(hours=1))
        aware = datetime(2026, 1, 5, 10, 0, tzinfo=berlin)
        row = self.signals._record(
            "accept", 12, source="test", warehouse=self.store, key="a", observed_at=aware
        )
        self.assertEqual(row.observed_at, datetime(2026, 1, 5, 9, 0))
        row = self.signals._record(
            "accept",
            3,
            source="test",
            warehouse=self.store,
            key="b",
            observed_at="2026-01-05T08:30:00",
        )
        self.assertEqual(row.observed_at, datetime(2026, 1, 5, 8, 30))

    def test_carrier_signal_for_a_region(self):
        row = self.signals._record(
            "carrier_silent", 30, source="test", carrier=self.parcel, country=self.germany
        )
        self.assertEqual((row.carrier_id, row.country_id), (self.parcel, self.germany))
        self.assertFalse(row.warehouse_id)

    def test_bad_input_is_refused_and_writes_nothing(self):
        cases = [
            {"kind": "nonsense", "warehouse": self.store},
            {"kind": "reject"},  # no subject
            {"kind": "reject", "warehouse": self.store, "value": "3"},
            {"kind": "reject", "warehouse": self.store, "value": float("nan")},
            {"kind": "reject", "warehouse": self.store, "source": ""},
            {"kind": "reject", "warehouse": self.store, "observed_at": "yesterday"},
            {
                "kind": "reject",
                "warehouse": self.store,
                "observed_at": self.now + timedelta(hours=1),
            },
            {"kind": "reject", "warehouse": self.store | self.home},
        ]
        for case in cases:
            args = {"source": "test", **case}
            kind = args.pop("kind")
            with self.subTest(case=case), self.assertRaises(UserError):
                self.signals._record(kind, **args)
        self.assertFalse(self._rows(source="test"))

    def test_old_signals_are_forgotten(self):
        old = self.signals._record(
            "reject", source="test", warehouse=self.store, observed_at=self.now - timedelta(days=40)
        )
        recent = self.signals._record("reject", source="test", warehouse=self.store)
        self.signals._gc_old_signals()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
