# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


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
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        ondelete="cascade",
        readonly=True,
        help="The integration user whose acks move this cursor; nobody else's do.",
    )

    _sql_constraints = [
        ("name_unique", "unique(name)", "An outbox consumer name must be unique."),
    ]

    @api.model
    def _acknowledge(self, name, cursor, owner=None):
        """Move consumer ``name`` to ``cursor`` (never backwards, never past the last event).

        ``owner``: the user acknowledging; a consumer without an owner (created before
        consumers had one, or by Odoo itself) becomes theirs. None acknowledges as Odoo,
        for any consumer.
        """
        if not isinstance(name, str) or not name.strip():
            raise UserError(self.env._("An outbox consumer needs a name."))
        # Lock the row: two acks of the same consumer must not race backwards. An ack past
        # the last event would let the vacuum delete events this consumer has not read.
        self.env.cr.execute(
            """
            INSERT INTO oms_outbox_consumer
                (name, cursor, user_id, acknowledged_at,
                 create_date, write_date, create_uid, write_uid)
            VALUES (%(name)s,
                    LEAST(%(cursor)s, (SELECT coalesce(max(id), 0) FROM oms_outbox_event)),
                    %(owner)s, now() at time zone 'UTC',
                    now() at time zone 'UTC', now() at time zone 'UTC', %(uid)s, %(uid)s)
            ON CONFLICT (name) DO UPDATE
               SET cursor = GREATEST(oms_outbox_consumer.cursor, EXCLUDED.cursor),
                   user_id = coalesce(oms_outbox_consumer.user_id, EXCLUDED.user_id),
                   acknowledged_at = EXCLUDED.acknowledged_at,
                   write_date = EXCLUDED.write_date,
                   write_uid = EXCLUDED.write_uid
             WHERE %(owner)s IS NULL
                OR oms_outbox_consumer.user_id IS NULL
                OR oms_outbox_consumer.user_id = %(owner)s
            RETURNING id
            """,
            {"name": name, "cursor": cursor, "owner": owner and owner.id, "uid": self.env.uid},
        )
        acknowledged = self.env.cr.fetchone()
        self.invalidate_model()
        if not acknowledged:
            raise AccessError(
                self.env._("The outbox consumer %(name)s belongs to another user.", name=name)
            )
        return True

    @api.model
    def _acknowledged_cursor(self):
        """The position every known consumer has passed (0 when there is none)."""
        self.env.cr.execute("SELECT min(cursor) FROM oms_outbox_consumer")
        return self.env.cr.fetchone()[0] or 0
