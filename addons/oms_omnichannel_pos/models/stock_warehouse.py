# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# Settings of a store's omnichannel work that the engine never reads: changing them must not
# re-prepare the routing network.
STORE_ONLY_FIELDS = frozenset(
    {
        "oms_accept_minutes",
        "oms_reservation_hours",
        "oms_reservation_reminder_hours",
        "oms_pickup_reminder_days",
        "oms_pickup_reminder_count",
        "oms_full_until",
    }
)


def _hour_to_time(hours):
    minutes = min(max(round((hours or 0.0) * 60), 0), 24 * 60 - 1)
    return time(minutes // 60, minutes % 60)


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    oms_opening_hour = fields.Float(
        string="Opens At",
        default=9.0,
        help="Local time the store opens on its working days. Orders wait for acceptance "
        "only while it is open.",
    )
    oms_closing_hour = fields.Float(
        string="Closes At",
        default=20.0,
        help="Local time the store closes. Routing treats orders released after closing (or "
        "after the cutoff, whichever is earlier) as prepared on the next working day.",
    )
    oms_accept_minutes = fields.Integer(
        string="Accept Within (minutes)",
        default=30,
        help="Minutes of opening time the store has to accept an order routed to it. An "
        "order nobody accepted by then is routed to the next best node. 0: no limit.",
    )
    oms_reservation_hours = fields.Integer(
        string="Reservations Kept (hours)",
        default=48,
        help="How long an order reserved to pay in store waits for the customer once it is "
        "ready; afterwards it is released: the goods go back on sale and the order is "
        "cancelled.",
    )
    oms_reservation_reminder_hours = fields.Integer(
        string="Remind Before Expiry (hours)",
        default=24,
        help="The customer is reminded this many hours before the reservation ends. "
        "0: no reminder.",
    )
    oms_pickup_reminder_days = fields.Integer(
        string="Remind Uncollected After (days)",
        default=2,
        help="Days after 'ready for pickup' at which a paid click & collect order not yet "
        "collected is reminded to the customer, and again after as many days.",
    )
    oms_pickup_reminder_count = fields.Integer(
        string="Pickup Reminders",
        default=2,
        help="How many reminders a customer gets for an order not collected.",
    )
    oms_full_until = fields.Datetime(
        string="Full Until",
        copy=False,
        help="The store said it has no capacity left (a rejection for that reason): routing "
        "sends it nothing more until then.",
    )
    oms_pos_config_ids = fields.One2many(
        "pos.config", "oms_warehouse_id", string="Points of Sale", readonly=True
    )

    @api.constrains("oms_opening_hour", "oms_closing_hour")
    def _check_oms_opening_hours(self):
        for warehouse in self:
            if not 0 <= warehouse.oms_opening_hour < warehouse.oms_closing_hour <= 24:
                raise ValidationError(
                    self.env._(
                        "%(store)s: the store must open before it closes, within the day.",
                        store=warehouse.display_name,
                    )
                )

    # ------------------------------------------------------------------ which are stores

    @api.model
    def _oms_store_ids(self):
        """Ids of every warehouse that is a store node (any company, archived or not)."""
        return self._oms_store_ids_cached()

    @tools.ormcache()
    def _oms_store_ids_cached(self):
        return frozenset(
            self.sudo()
            .with_context(active_test=False)
            .search([("oms_node_kind", "=", "store")])
            .ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        self.env.registry.clear_cache()
        return warehouses

    def write(self, vals):
        result = super().write(vals)
        if "oms_node_kind" in vals or "active" in vals:
            self.env.registry.clear_cache()
        return result

    def _oms_network_relevant(self, vals):
        if vals and set(vals) <= STORE_ONLY_FIELDS:
            return False
        return super()._oms_network_relevant(vals)

    # ------------------------------------------------------------------ opening hours

    def _oms_local_tz(self):
        self.ensure_one()
        try:
            return ZoneInfo(self._oms_timezone())
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def _oms_open_periods(self, start, days=14):
        """The store's opening periods from ``start`` (naive UTC) on, as (open, close) pairs
        of aware local datetimes, the first one cut at ``start``."""
        self.ensure_one()
        tz = self._oms_local_tz()
        working = set(self.oms_working_day_ids.mapped("number")) or set(range(5))
        local = start.replace(tzinfo=timezone.utc).astimezone(tz)
        opens, closes = _hour_to_time(self.oms_opening_hour), _hour_to_time(self.oms_closing_hour)
        for offset in range(days):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in working:
                continue
            open_at = datetime.combine(day, opens, tzinfo=tz)
            close_at = datetime.combine(day, closes, tzinfo=tz)
            open_at = max(open_at, local)
            if open_at < close_at:
                yield open_at, close_at

    def _oms_add_open_minutes(self, start, minutes):
        """``start`` (naive UTC) plus ``minutes`` of the store's opening time, naive UTC: an
        order routed at night waits from the next opening on."""
        self.ensure_one()
        remaining = timedelta(minutes=minutes)
        for open_at, close_at in self._oms_open_periods(start):
            if remaining <= close_at - open_at:
                return (open_at + remaining).astimezone(timezone.utc).replace(tzinfo=None)
            remaining -= close_at - open_at
        # Never open in the next two weeks (no working day ticked): plain time.
        return start + timedelta(minutes=minutes)

    def _oms_is_open(self, at=None):
        self.ensure_one()
        at = at or fields.Datetime.now()
        # The first period starts at ``at`` itself only when the store is open then.
        first = next(self._oms_open_periods(at, days=1), None)
        local = at.replace(tzinfo=timezone.utc).astimezone(self._oms_local_tz())
        return bool(first) and first[0] == local

    def _oms_end_of_local_day(self, at=None):
        """Midnight after ``at`` in the store's time zone, naive UTC."""
        self.ensure_one()
        at = at or fields.Datetime.now()
        tz = self._oms_local_tz()
        local = at.replace(tzinfo=timezone.utc).astimezone(tz)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
        return midnight.astimezone(timezone.utc).replace(tzinfo=None)
