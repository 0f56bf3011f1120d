# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A reader of ``id > cursor`` never skips a row that commits later with a smaller id.

This needs two real, committing transactions, so it opens its own cursors and removes
what it wrote at the end.
"""

from odoo import api
from odoo.tests import TransactionCase
from odoo.tools import mute_logger
from psycopg2 import errors as pg_errors


class TestOutboxCursor(TransactionCase):
    def _event(self, env, topic):
        return env["oms.outbox.event"]._insert_events(
            [{"topic": topic, "channel_code": "cursor-test", "payload": {}}]
        )

    @mute_logger("odoo.sql_db")
    def test_ids_follow_commit_order(self):
        registry = self.env.registry
        with registry.cursor() as cr_a, registry.cursor() as cr_b:
            try:
                env_a = api.Environment(cr_a, api.SUPERUSER_ID, {})
                env_b = api.Environment(cr_b, api.SUPERUSER_ID, {})
                first = self._event(env_a, "test.first")
                # While A has not committed, B cannot take an id: it would be larger than
                # A's and could be read (and acknowledged) before A's row is visible.
                cr_b.execute("SET LOCAL lock_timeout = '200ms'")
                with self.assertRaises(pg_errors.LockNotAvailable):
                    self._event(env_b, "test.second")
                cr_b.rollback()
                cr_a.commit()
                second = self._event(env_b, "test.second")
                cr_b.commit()
                self.assertGreater(second.id, first.id)
                reader = env_b["oms.outbox.event"].fetch_since(first.id - 1, 10)
                self.assertEqual(
                    [e["topic"] for e in reader["events"] if e["channel_code"] == "cursor-test"],
                    ["test.first", "test.second"],
                )
            finally:
                cr_a.rollback()
                cr_b.rollback()
                cr_a.execute("DELETE FROM oms_outbox_event WHERE channel_code = 'cursor-test'")
                cr_a.commit()
