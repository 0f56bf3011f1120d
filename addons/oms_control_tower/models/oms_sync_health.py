"""What the sync service reports about its inbox (docs/control_tower.md, "Sync health").

Odoo cannot read the sync service's Redis, and must not call out to it (nothing inside an Odoo
transaction talks to the network). So the sync service posts a small snapshot through one
door of the integration group, ``oms.sync.health.report_health(snapshot)``, every minute; the
cockpit shows the latest and says when it is stale. The outbox side is Odoo's own (events
after the slowest consumer's cursor) and needs no report.
"""

from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError

# Reports kept (one a minute: two hours).
KEEP_REPORTS = 120
# Dead letters listed per report at most (their total is reported apart).
MAX_DEAD_LETTERS = 500


class OmsSyncHealth(models.Model):
    _name = "oms.sync.health"
    _description = "Sync Service Health Report"
    _order = "reported_at desc, id desc"
    _rec_name = "reported_at"

    reported_at = fields.Datetime(string="Reported", required=True, readonly=True, index=True)
    inbox_pending = fields.Integer(string="Inbox Events Waiting", readonly=True)
    inbox_retrying = fields.Integer(string="Inbox Events Retrying", readonly=True)
    inbox_oldest_age_seconds = fields.Float(string="Oldest Waiting (s)", readonly=True)
    dead_letter_count = fields.Integer(string="Dead Letters", readonly=True)
    outbox_dead_letter_count = fields.Integer(string="Outbox Dead Letters", readonly=True)
    dead_letter_ids = fields.One2many(
        "oms.sync.dead.letter", "health_id", string="Dead Letters Listed", readonly=True
    )

    @api.model
    def report_health(self, snapshot):
        """The sync service's door: store ``snapshot`` (docs/control_tower.md gives its
        shape) as the latest report. Idempotent: the same ``reported_at`` twice keeps one."""
        self.env["res.users"]._oms_check_door("oms.sync.health.report_health")
        return self.sudo()._store_report(snapshot)

    @api.model
    def _store_report(self, snapshot):
        if not isinstance(snapshot, dict):
            raise UserError(self.env._("A health report is an object."))
        reported_at = self._moment(snapshot.get("reported_at"))
        existing = self.search([("reported_at", "=", reported_at)], limit=1)
        if existing:
            return existing.id
        inbox = snapshot.get("inbox") or {}
        outbox = snapshot.get("outbox") or {}
        letters = snapshot.get("dead_letters") or []
        if not isinstance(inbox, dict) or not isinstance(outbox, dict):
            raise UserError(self.env._("inbox and outbox of a health report are objects."))
        if not isinstance(letters, list):
            raise UserError(self.env._("dead_letters of a health report is a list."))
        report = self.create(
            {
                "reported_at": reported_at,
                "inbox_pending": self._whole(inbox, "pending"),
                "inbox_retrying": self._whole(inbox, "retrying"),
                "inbox_oldest_age_seconds": float(self._whole(inbox, "oldest_age_seconds")),
                "dead_letter_count": self._whole(inbox, "dead_letters"),
                "outbox_dead_letter_count": self._whole(outbox, "dead_letters"),
                "dead_letter_ids": [
                    fields.Command.create(self._dead_letter_vals(letter))
                    for letter in letters[:MAX_DEAD_LETTERS]
                ],
            }
        )
        old = self.search([], offset=KEEP_REPORTS, order="reported_at desc, id desc")
        old.unlink()
        self.env["oms.tower.dashboard"]._notify_changed()
        return report.id

    @api.model
    def _moment(self, value):
        if not isinstance(value, str):
            raise UserError(self.env._("reported_at is required (ISO 8601 with an offset)."))
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise UserError(
                self.env._("reported_at is not a date and time: %(value)s", value=value)
            ) from error
        if moment.tzinfo is None:
            raise UserError(self.env._("reported_at needs its offset (e.g. +00:00)."))
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        if moment > fields.Datetime.now() + timedelta(minutes=5):
            raise UserError(self.env._("reported_at lies in the future."))
        return moment

    @api.model
    def _whole(self, doc, key):
        value = doc.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UserError(self.env._("%(key)s must be a number of 0 or more.", key=key))
        return int(value)

    @api.model
    def _dead_letter_vals(self, letter):
        if not isinstance(letter, dict):
            raise UserError(self.env._("Each dead letter is an object."))
        failed_at = letter.get("failed_at")
        return {
            "reference": str(letter.get("id") or "")[:128],
            "channel_code": str(letter.get("channel") or "")[:64] or False,
            "topic": str(letter.get("topic") or "")[:128] or False,
            "error": str(letter.get("error") or "")[:2000] or False,
            "failed_at": self._moment(failed_at) if isinstance(failed_at, str) else False,
        }
