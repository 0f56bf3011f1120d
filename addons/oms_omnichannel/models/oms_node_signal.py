# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Health signals of the network's nodes and carriers (docs/control_tower.md, "Signals").

What other parts observe about a node (a till heard from, a delivery turned down or accepted
late) or about a carrier in a region (no scans, exceptions) is written here through one
method, ``_record``; the control tower (addon ``oms_control_tower``) reads the signals, warns
and switches nodes or carriers off and on. The model lives in the core so that the addons
which feed it (POS, drop-ship partners) need not depend on the control tower.
"""

import math
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError

# What each kind means and what its value measures (docs/control_tower.md lists who writes
# which). "Readings" describe a state and are usually written with a stable key (one row,
# moved forward); "events" happen once and are written with a key of their own.
SIGNAL_KINDS = [
    # readings
    ("backlog_age", "Oldest unstarted delivery (hours waiting)"),
    ("pos_seen", "Till heard from"),
    ("pos_silent", "Till silent during opening hours (minutes)"),
    ("reject_rate", "Deliveries turned down (share of those offered)"),
    ("carrier_silent", "No carrier scan (hours)"),
    ("carrier_exceptions", "Parcels with a carrier exception (share of those under way)"),
    # events
    ("accept", "Delivery accepted (minutes it took)"),
    ("accept_late", "Delivery accepted late (minutes late)"),
    ("reject", "Delivery turned down"),
]
SIGNAL_KIND_CODES = frozenset(code for code, _label in SIGNAL_KINDS)
# A feeder's clock may run a little ahead of the database's.
CLOCK_SKEW = timedelta(minutes=5)
RETENTION_PARAM = "oms_omnichannel.node_signal_retention_days"
DEFAULT_RETENTION_DAYS = 30


class OmsNodeSignal(models.Model):
    """One observation about a node, or about a carrier in a country.

    Recorded only through ``_record``, which is idempotent: the same key recorded again keeps
    one row, and an observation older than the one stored for its key changes nothing.
    """

    _name = "oms.node.signal"
    _description = "Node Health Signal"
    _order = "observed_at desc, id desc"
    _rec_name = "kind"

    kind = fields.Selection(SIGNAL_KINDS, required=True, readonly=True)
    source = fields.Char(
        required=True,
        readonly=True,
        help="What observed it: the technical name of the addon (or service) that wrote it.",
    )
    key = fields.Char(
        required=True,
        readonly=True,
        help="The observer's idempotency key: one row per source, kind and key.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Node", readonly=True, ondelete="cascade", index=True
    )
    carrier_id = fields.Many2one("delivery.carrier", readonly=True, ondelete="cascade", index=True)
    country_id = fields.Many2one(
        "res.country",
        string="Region",
        readonly=True,
        ondelete="cascade",
        help="The country a carrier's signal is about.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    value = fields.Float(readonly=True, digits=(16, 4))
    observed_at = fields.Datetime(string="Observed", required=True, readonly=True, index=True)
    res_model = fields.Char(string="Related Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record", model_field="res_model", readonly=True
    )

    _sql_constraints = [
        ("key_unique", "unique(source, kind, key)", "A signal key must be unique per kind."),
        (
            "subject_set",
            "CHECK(warehouse_id IS NOT NULL OR carrier_id IS NOT NULL)",
            "A signal is about a node or a carrier.",
        ),
    ]

    def init(self):
        # The control tower reads the latest readings of a kind per node (or carrier and
        # country) and counts events in a window.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS oms_node_signal_node_kind_idx
                ON oms_node_signal (warehouse_id, kind, observed_at)
             WHERE warehouse_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS oms_node_signal_carrier_kind_idx
                ON oms_node_signal (carrier_id, country_id, kind, observed_at)
             WHERE carrier_id IS NOT NULL;
            """
        )

    @api.model
    def _record(
        self,
        kind,
        value=1.0,
        *,
        source,
        warehouse=None,
        carrier=None,
        country=None,
        observed_at=None,
        key=None,
        record=None,
    ):
        """Record one observation; return its ``oms.node.signal`` row.

        - ``kind``: one of SIGNAL_KINDS; ``value`` in the unit the kind says.
        - ``source``: who observed it (e.g. ``"oms_omnichannel_pos"``).
        - the subject: ``warehouse`` (a node), or ``carrier`` with an optional ``country``.
        - ``observed_at``: when it was true (UTC, naive or aware); default now.
        - ``key``: the idempotency key. Give a stable key for a reading that is replaced as
          time goes on (``f"till {config.id}"``: one row, moved forward); give a key of its
          own to an event (``f"picking {picking.id}"``). Without a key, the subject and the
          moment are the key.
        - ``record``: the record it is about (the delivery turned down), for the lists.

        Idempotent and safe out of order: recording a key again updates its row only when the
        new observation is later than the stored one.
        """
        warehouse = warehouse or self.env["stock.warehouse"]
        carrier = carrier or self.env["delivery.carrier"]
        country = country or self.env["res.country"]
        self._check_signal(kind, value, source, warehouse, carrier)
        observed_at = self._normalise_observed_at(observed_at)
        if key is None:
            key = self._default_key(warehouse, carrier, country, observed_at)
        company = warehouse.sudo().company_id or carrier.sudo().company_id or self.env.company
        values = {
            "kind": kind,
            "source": source,
            "key": str(key),
            "warehouse_id": warehouse.id or None,
            "carrier_id": carrier.id or None,
            "country_id": country.id or None,
            "company_id": company.id,
            "value": float(value),
            "observed_at": observed_at,
            "res_model": record._name if record else None,
            "res_id": record.id if record else None,
            "uid": self.env.uid,
        }
        # One statement: two feeders recording the same key at once cannot both insert, and
        # a late, older observation never overwrites a newer one.
        self.env.cr.execute(
            """
            INSERT INTO oms_node_signal
                (kind, source, key, warehouse_id, carrier_id, country_id, company_id, value,
                 observed_at, res_model, res_id,
                 create_uid, create_date, write_uid, write_date)
            VALUES (%(kind)s, %(source)s, %(key)s, %(warehouse_id)s, %(carrier_id)s,
                    %(country_id)s, %(company_id)s, %(value)s, %(observed_at)s,
                    %(res_model)s, %(res_id)s,
                    %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (source, kind, key) DO UPDATE
               SET value = EXCLUDED.value,
                   observed_at = EXCLUDED.observed_at,
                   warehouse_id = EXCLUDED.warehouse_id,
                   carrier_id = EXCLUDED.carrier_id,
                   country_id = EXCLUDED.country_id,
                   company_id = EXCLUDED.company_id,
                   res_model = EXCLUDED.res_model,
                   res_id = EXCLUDED.res_id,
                   write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
             WHERE oms_node_signal.observed_at < EXCLUDED.observed_at
            RETURNING id
            """,
            values,
        )
        row = self.env.cr.fetchone()
        if row is None:
            self.env.cr.execute(
                "SELECT id FROM oms_node_signal WHERE source = %s AND kind = %s AND key = %s",
                (source, kind, str(key)),
            )
            row = self.env.cr.fetchone()
        self.invalidate_model()
        return self.browse(row[0])

    @api.model
    def _check_signal(self, kind, value, source, warehouse, carrier):
        if kind not in SIGNAL_KIND_CODES:
            raise UserError(
                self.env._(
                    "Unknown signal kind %(kind)s; known kinds: %(kinds)s.",
                    kind=kind,
                    kinds=", ".join(sorted(SIGNAL_KIND_CODES)),
                )
            )
        if not isinstance(source, str) or not source.strip():
            raise UserError(self.env._("A signal needs its source (who observed it)."))
        if len(warehouse) > 1 or len(carrier) > 1:
            raise UserError(self.env._("A signal is about one node or one carrier."))
        if not warehouse and not carrier:
            raise UserError(self.env._("A signal is about a node or a carrier."))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UserError(self.env._("A signal's value must be a number."))
        if not math.isfinite(value):
            raise UserError(self.env._("A signal's value must be a finite number."))

    @api.model
    def _normalise_observed_at(self, observed_at):
        now = fields.Datetime.now()
        if observed_at is None:
            return now
        if isinstance(observed_at, str):
            try:
                observed_at = datetime.fromisoformat(observed_at)
            except ValueError as error:
                raise UserError(
                    self.env._("%(value)s is not a date and time.", value=observed_at)
                ) from error
        if observed_at.tzinfo is not None:
            observed_at = observed_at.astimezone(timezone.utc).replace(tzinfo=None)
        if observed_at > now + CLOCK_SKEW:
            raise UserError(
                self.env._(
                    "A signal cannot be observed in the future (%(when)s).", when=observed_at
                )
            )
        return observed_at.replace(microsecond=0)

    @api.model
    def _default_key(self, warehouse, carrier, country, observed_at):
        subject = (
            f"node {warehouse.id}" if warehouse else f"carrier {carrier.id} {country.code or '*'}"
        )
        return f"{subject} at {observed_at.isoformat()}"

    @api.autovacuum
    def _gc_old_signals(self):
        """Forget observations older than the retention (30 days unless configured)."""
        days = int(
            self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
            or DEFAULT_RETENTION_DAYS
        )
        self.env.cr.execute(
            "DELETE FROM oms_node_signal WHERE observed_at < %s",
            (fields.Datetime.now() - timedelta(days=max(days, 1)),),
        )
