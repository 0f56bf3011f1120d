# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reserve in store: the order waits on the pickup shelf until it is paid and collected at
the till, or until its reservation ends (no-show): then the goods go back on sale, the
order is cancelled, and the customer and the shop are told."""

import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class OmsStoreReservation(models.AbstractModel):
    _name = "oms.store.reservation"
    _description = "Store Orders: Reservations"

    @api.model
    def _cron_reservations(self, limit=500):
        """Remind customers before their reservation ends, and release those that ended.
        Idempotent and catching up: a reservation past its end is released whenever the
        cron runs, once; a reminder is keyed by the reservation."""
        self._remind_expiring(limit)
        return self._release_expired(limit)

    @api.model
    def _remind_expiring(self, limit):
        now = fields.Datetime.now()
        StoreOrder = self.env["oms.store.order"].sudo()
        candidates = StoreOrder.search(
            [
                ("state", "=", "ready"),
                ("kind", "=", "reservation"),
                ("reminder_count", "=", 0),
                ("reserved_until", ">", now),
            ],
            limit=limit,
            order="reserved_until",
        )
        for store_order in candidates:
            hours = store_order.warehouse_id.oms_reservation_reminder_hours
            if hours <= 0 or store_order.reserved_until - timedelta(hours=hours) > now:
                continue
            store_order._oms_tell_customer(
                "reservation_expiring",
                action="reminded",
                key=f"reservation-expiring-{store_order.id}",
                pickup_code=store_order.pickup_code,
                store=store_order.warehouse_id.name,
                reserved_until=store_order.reserved_until,
            )
            store_order.write({"reminder_count": 1, "last_reminder_date": now})

    @api.model
    def _release_expired(self, limit):
        expired = self.env["oms.store.order"].sudo().search(
            [
                ("state", "=", "ready"),
                ("kind", "=", "reservation"),
                ("reserved_until", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="reserved_until, id",
        )
        released = self.env["oms.store.order"]
        for store_order in expired:
            try:
                with self.env.cr.savepoint():
                    store_order._oms_lock()
                    if store_order.state != "ready":
                        continue
                    self._release(store_order)
                    released |= store_order
            except Exception:
                _logger.exception("Releasing reservation %s failed", store_order.id)
        return released

    @api.model
    def _release(self, store_order):
        """No-show: the reservation ends. The order is cancelled (its delivery with it, so
        the goods are on sale again and the shop hears of it through the outbox), and the
        customer is told."""
        order = store_order.sale_order_id
        store_order.sudo().write({"state": "released", "released_ack": False})
        store_order._oms_log_step("released", user_id=False)
        if order.state not in ("cancel",):
            order.with_context(
                oms_cancel_reason="no_show", oms_store_closing=True
            )._action_cancel()
        store_order._oms_tell_customer(
            "cancelled",
            key=f"reservation-released-{store_order.id}",
            reason="no_show",
            store=store_order.warehouse_id.name,
        )
        order._message_log(
            body=self.env._(
                "The reservation at %(store)s ended without the customer collecting it: the "
                "order is cancelled and its goods are on sale again.",
                store=store_order.warehouse_id.name,
            )
        )
        store_order._oms_notify_pos()

    @api.model
    def _back_on_shelf(self, store_order, config=None):
        store_order.sudo().released_ack = True
        step = store_order._oms_log_step(
            "back_on_shelf", pos_config_id=config.id if config else False
        )
        store_order._oms_notify_pos()
        return step
