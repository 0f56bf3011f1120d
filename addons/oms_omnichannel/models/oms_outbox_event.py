# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transactional outbox: what the sync service pulls out of Odoo.

Rows are written by the transaction that makes the change, never sent from here
(design.md, decision 4). Changes are buffered on the cursor while the transaction
runs and written in one go by a precommit hook, which gives two things:

- coalescing: a picking validated and then given a tracking number is one
  ``shipment.shipped``; a product moved ten times is one ``stock.changed`` per
  warehouse and channel, with the figure as committed;
- a cursor that never skips: the insert takes a transaction-level advisory lock,
  so outbox ids are handed out in commit order and a consumer reading ``id >
  cursor`` cannot pass over a row that commits later with a smaller id.

Savepoints opened with ``cr.savepoint()`` flush the buffer on entry and on
success, and drop it on rollback, so an order that fails inside ``ingest_orders``
leaves no event behind.
"""

import logging
import weakref
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# Key of the advisory lock that serialises outbox inserts (any constant bigint).
OUTBOX_LOCK_KEY = 7_106_100_001
PENDING_KEY = "oms_omnichannel.outbox_pending"
PENDING_STOCK_KEY = "oms_omnichannel.outbox_pending_stock"
PENDING_STOCK_LOCATION_KEY = "oms_omnichannel.outbox_pending_stock_locations"
HOOK_KEY = "oms_omnichannel.outbox_hook"
LOCKED_KEY = "oms_omnichannel.outbox_locked_products"
RETENTION_PARAM = "oms_omnichannel.outbox_retention_days"
DEFAULT_RETENTION_DAYS = 7

# Cursors whose stock changes are held back until a batch ends (see defer_stock_changes).
# Kept off the cursor's precommit data on purpose: rolling back one savepoint clears that.
_DEFERRED_STOCK = weakref.WeakKeyDictionary()


@contextmanager
def defer_stock_changes(env):
    """Publish the stock changes of a batch of savepoints once, when the batch succeeds.

    Each savepoint flushes the outbox, so without this a batch of 100 orders sends the
    same product's figure 100 times. A pair touched by a savepoint that rolled back is
    still published: its figure is the current one, so it is never wrong, only redundant.
    """
    cr = env.cr
    if cr in _DEFERRED_STOCK:
        yield
        return
    held = _DEFERRED_STOCK[cr] = (set(), set())
    try:
        yield
    finally:
        del _DEFERRED_STOCK[cr]
    env["oms.outbox.event"]._enqueue_stock_change(*held)


class OmsOutboxEvent(models.Model):
    _name = "oms.outbox.event"
    _description = "OMS Outbox Event"
    _order = "id"

    topic = fields.Char(required=True, index=True, readonly=True)
    channel_code = fields.Char(index=True, readonly=True)
    res_model = fields.Char(string="Related Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record", model_field="res_model", readonly=True
    )
    payload = fields.Json(readonly=True)

    # ------------------------------------------------------------------
    # Writing: buffer now, insert at precommit
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, topic, record, **extra):
        """Remember that ``topic`` happened to ``record`` in this transaction.

        The payload is built when the transaction flushes, from the records as
        they are then. Enqueuing the same (topic, record) twice keeps one event.
        """
        pending = self._pending_buffer()
        for rec in record:
            key = (topic, rec._name, rec.id)
            # Re-inserting moves the key to the end: the event goes out in the
            # position of its last cause.
            pending.pop(key, None)
            pending[key] = dict(extra)

    @api.model
    def _enqueue_stock_change(self, product_warehouse_pairs, product_location_pairs=()):
        """Remember (product id, warehouse id) pairs whose sellable stock may have changed,
        and (product id, location id) pairs of changed quants: the nodes whose stock the
        locations count in are looked up when the outbox is written, all in one query."""
        if not product_warehouse_pairs and not product_location_pairs:
            return
        self._lock_stock_of(
            {product_id for product_id, _wh in product_warehouse_pairs}
            | {product_id for product_id, _loc in product_location_pairs}
        )
        held = _DEFERRED_STOCK.get(self.env.cr)
        if held is not None:
            held[0].update(product_warehouse_pairs)
            held[1].update(product_location_pairs)
            return
        self._register_hook()
        data = self.env.cr.precommit.data
        data.setdefault(PENDING_STOCK_KEY, set()).update(product_warehouse_pairs)
        data.setdefault(PENDING_STOCK_LOCATION_KEY, set()).update(product_location_pairs)

    @api.model
    def _lock_stock_of(self, product_ids):
        """Serialise this transaction with any other changing or routing the same products.

        The sellable figure is read in this transaction's snapshot (REPEATABLE READ): without
        the router's product lock, two transactions moving the same product in different
        locations would each publish a figure missing the other's move. With it, the second
        one fails to serialise and Odoo retries it with fresh data.
        """
        locked = self.env.cr.precommit.data.setdefault(LOCKED_KEY, set())
        new_ids = set(product_ids) - locked
        if new_ids:
            self.env["oms.sellable.stock"]._lock_products(
                self.env["product.product"].browse(new_ids)
            )
            locked |= new_ids

    @api.model
    def _pending_buffer(self):
        self._register_hook()
        return self.env.cr.precommit.data.setdefault(PENDING_KEY, {})

    @api.model
    def _register_hook(self):
        data = self.env.cr.precommit.data
        if data.get(HOOK_KEY):
            return
        data[HOOK_KEY] = True
        # Payloads are the same whoever made the change: no user language nor company context.
        env = self.env(su=True, context={})
        cr = self.env.cr

        def flush_outbox():
            # Data was cleared if the transaction (or a savepoint) rolled back.
            pending = cr.precommit.data.pop(PENDING_KEY, {})
            pending_stock = cr.precommit.data.pop(PENDING_STOCK_KEY, set())
            pending_locations = cr.precommit.data.pop(PENDING_STOCK_LOCATION_KEY, set())
            cr.precommit.data.pop(HOOK_KEY, None)
            env["oms.outbox.event"]._write_pending(pending, pending_stock, pending_locations)

        cr.precommit.add(flush_outbox)

    @api.model
    def _write_pending(self, pending, pending_stock, pending_locations=()):
        vals_list = []
        for (topic, res_model, res_id), extra in pending.items():
            record = self.env[res_model].browse(res_id).exists()
            if not record:
                continue
            builder = getattr(record, "_oms_outbox_vals_" + topic.replace(".", "_"))
            vals = builder(**extra)
            if vals:
                vals_list.append(vals)
        if pending_locations:
            nodes = self.env["oms.location.node"]._get_nodes_of_locations(
                {location_id for _product, location_id in pending_locations}
            )
            pending_stock = set(pending_stock) | {
                (product_id, warehouse_id)
                for product_id, location_id in pending_locations
                for warehouse_id in nodes.get(location_id, ())
            }
        if pending_stock:
            vals_list += self._stock_changed_vals(pending_stock)
        self._insert_events(vals_list)

    @api.model
    def _insert_events(self, vals_list):
        """Insert outbox rows holding the outbox lock until commit: ids follow commit order."""
        if not vals_list:
            return self.browse()
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [OUTBOX_LOCK_KEY])
        events = self.sudo().create(vals_list)
        self.flush_model()
        return events

    @api.model
    def _stock_changed_vals(self, pairs):
        products = self.env["product.product"].browse({p for p, _w in pairs}).exists()
        warehouses = self.env["stock.warehouse"].browse({w for _p, w in pairs}).exists()
        pairs = {(p, w) for p, w in pairs if p in products.ids and w in warehouses.ids}
        rows = self.env["oms.channel"]._oms_sellable_rows(products, warehouses, pairs=pairs)
        published = self._last_published_sellable(products.ids)
        vals_list = []
        for row in rows:
            key = (row["channel"], row["product_id"], row["warehouse"])
            if published.get(key) == row["sellable"]:
                # E.g. a delivery validated: stock goes from reserved to gone, the sellable
                # figure stays, and the shops need not hear about it.
                continue
            vals_list.append(
                {
                    "topic": "stock.changed",
                    "channel_code": row["channel"],
                    "res_model": "product.product",
                    "res_id": row["product_id"],
                    "payload": {
                        "sku": row["sku"],
                        "warehouse": row["warehouse"],
                        "sellable": row["sellable"],
                    },
                }
            )
        return vals_list

    def _last_published_sellable(self, product_ids):
        """{(channel code, product id, warehouse code): sellable} of the latest events kept."""
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (res_id, channel_code, payload->>'warehouse')
                   channel_code, res_id, payload->>'warehouse', (payload->>'sellable')::float
              FROM oms_outbox_event
             WHERE topic = 'stock.changed' AND res_id = ANY(%s)
             ORDER BY res_id, channel_code, payload->>'warehouse', id DESC
            """,
            [list(product_ids)],
        )
        return {(c, p, w): sellable for c, p, w, sellable in self.env.cr.fetchall()}

    def init(self):
        # Finds the last figure published per product for _last_published_sellable.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS oms_outbox_event_stock_changed_idx
                ON oms_outbox_event (res_id, id) WHERE topic = 'stock.changed'
            """
        )

    # ------------------------------------------------------------------
    # Reading: the sync service pulls by cursor
    # ------------------------------------------------------------------
    @api.model
    def fetch_since(self, cursor=0, limit=500):
        """Events with ``id > cursor``, oldest first, and the cursor to ask from next."""
        self.check_access("read")
        cursor = int(cursor or 0)
        limit = max(1, min(int(limit or 500), 5000))
        events = self.sudo().search([("id", ">", cursor)], order="id", limit=limit)
        return {
            "events": [event._oms_as_dict() for event in events],
            "cursor": events[-1:].id or cursor,
        }

    def _oms_as_dict(self):
        self.ensure_one()
        return {
            "id": self.id,
            "topic": self.topic,
            "channel_code": self.channel_code or None,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "payload": self.payload,
            "create_date": fields.Datetime.to_string(self.create_date),
        }

    @api.model
    def ack(self, consumer, cursor):
        """Record that ``consumer`` has processed every event up to ``cursor``.

        Only the integration group acknowledges, and only its own consumers: the first ack of
        a name creates that consumer for the caller; another user's consumer is refused, so
        nobody can move the cursor the vacuum keeps the sync service's unread events by.
        """
        self.env["res.users"]._oms_check_door("ack")
        try:
            cursor = int(cursor)
        except (TypeError, ValueError):
            raise UserError(self.env._("An outbox cursor is a whole number.")) from None
        owner = None if self.env.su else self.env.user
        return self.env["oms.outbox.consumer"].sudo()._acknowledge(consumer, cursor, owner)

    # ------------------------------------------------------------------
    # Housekeeping
    # ------------------------------------------------------------------
    @api.model
    def _cron_vacuum(self, days=None):
        """Delete events every consumer acknowledged and older than the retention."""
        if days is None:
            days = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(RETENTION_PARAM, DEFAULT_RETENTION_DAYS)
            )
        acked = self.env["oms.outbox.consumer"].sudo()._acknowledged_cursor()
        if not acked:
            return 0
        limit_date = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            "DELETE FROM oms_outbox_event WHERE id <= %s AND create_date < %s",
            [acked, limit_date],
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        _logger.info("Outbox vacuum removed %s acknowledged events", count)
        return count
