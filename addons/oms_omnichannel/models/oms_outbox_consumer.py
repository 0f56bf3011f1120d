# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class OmsOutboxConsumer(models.Model):
    """Where a reader of the outbox (e.g. the sync service's beat) has got to."""

    _name = "oms.outbox.consumer"
    _description = "OMS Outbox Consumer"
    _order = "name"

    name = fields.Char(required=True, index=True)
    cursor = fields.Integer(
        default=0, help="Id of the last outbox event this consumer has processed."
    )
    acknowledged_at = fields.Datetime()

    _sql_constraints = [
        ("name_unique", "unique(name)", "An outbox consumer name must be unique."),
    ]

    @api.model
    def _acknowledge(self, name, cursor):
        # Lock the row: two acks of the same consumer must not race backwards.
        self.env.cr.execute(
            """
            INSERT INTO oms_outbox_consumer
                (name, cursor, acknowledged_at, create_date, write_date, create_uid, write_uid)
            VALUES (%(name)s, %(cursor)s, now() at time zone 'UTC',
                    now() at time zone 'UTC', now() at time zone 'UTC', %(uid)s, %(uid)s)
            ON CONFLICT (name) DO UPDATE
               SET cursor = GREATEST(oms_outbox_consumer.cursor, EXCLUDED.cursor),
                   acknowledged_at = EXCLUDED.acknowledged_at,
                   write_date = EXCLUDED.write_date,
                   write_uid = EXCLUDED.write_uid
            """,
            {"name": name, "cursor": cursor, "uid": self.env.uid},
        )
        self.invalidate_model()
        return True

    @api.model
    def _acknowledged_cursor(self):
        """The position every known consumer has passed (0 when there is none)."""
        self.env.cr.execute("SELECT min(cursor) FROM oms_outbox_consumer")
        return self.env.cr.fetchone()[0] or 0
