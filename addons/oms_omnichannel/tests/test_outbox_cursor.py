# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the outbox promises across concurrent transactions.

- A reader of ``id > cursor`` never skips a row that commits later with a smaller id.
- Two transactions moving the same product cannot both publish a sellable figure computed
  without the other's move.

This needs real, committing transactions, so the tests open their own cursors and remove
what they wrote at the end.
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

    @mute_logger("odoo.sql_db")
    def test_concurrent_stock_moves_of_a_product_serialise(self):
        registry = self.env.registry
        with registry.cursor() as cr_setup:
            env = api.Environment(cr_setup, api.SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search([], limit=1)
            shelf = env["stock.location"].create(
                {"name": "Cursor test shelf", "location_id": warehouse.lot_stock_id.id}
            )
            product = env["product.product"].create(
                {"name": "Cursor test", "type": "consu", "is_storable": True}
            )
            cr_setup.commit()
            ids = (product.id, product.product_tmpl_id.id, shelf.id)
        try:
            with registry.cursor() as cr_a, registry.cursor() as cr_b:
                env_a = api.Environment(cr_a, api.SUPERUSER_ID, {})
                env_b = api.Environment(cr_b, api.SUPERUSER_ID, {})
                cr_b.execute("SELECT 1")  # B's snapshot starts before A commits
                stock = env_a["stock.warehouse"].browse(warehouse.id).lot_stock_id
                env_a["stock.quant"]._update_available_quantity(
                    env_a["product.product"].browse(ids[0]), stock, 5
                )
                cr_a.commit()
                # B moves the same product elsewhere: its figure could not include A's 5.
                with self.assertRaises(pg_errors.SerializationFailure):
                    env_b["stock.quant"]._update_available_quantity(
                        env_b["product.product"].browse(ids[0]),
                        env_b["stock.location"].browse(ids[2]),
                        3,
                    )
                cr_b.rollback()
        finally:
            with registry.cursor() as cr_clean:
                cr_clean.execute("DELETE FROM stock_quant WHERE product_id = %s", [ids[0]])
                cr_clean.execute(
                    "DELETE FROM oms_outbox_event WHERE res_model = 'product.product' "
                    "AND res_id = %s",
                    [ids[0]],
                )
                cr_clean.execute("DELETE FROM product_product WHERE id = %s", [ids[0]])
                cr_clean.execute("DELETE FROM product_template WHERE id = %s", [ids[1]])
                cr_clean.execute("DELETE FROM stock_location WHERE id = %s", [ids[2]])
                cr_clean.commit()
