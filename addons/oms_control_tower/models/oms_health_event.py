"""Every warning and switch of the control tower, kept as data and said in the reader's words."""

from odoo import api, fields, models
from odoo.tools import format_datetime
from odoo.tools.misc import formatLang

ACTIONS = [
    ("warn", "Warned"),
    ("clear", "Healthy again"),
    ("switch_off", "Switched off"),
    ("switch_on", "Switched back on"),
    ("manual_off", "Switched off by a person"),
    ("manual_on", "Switched on by a person"),
    ("override", "Manual override"),
]


class OmsHealthEvent(models.Model):
    _name = "oms.health.event"
    _description = "Health Warning or Switch"
    _order = "happened_at desc, id desc"

    status_id = fields.Many2one(
        "oms.health.status", required=True, ondelete="cascade", index=True, readonly=True
    )
    warehouse_id = fields.Many2one(related="status_id.warehouse_id", store=True, string="Node")
    carrier_id = fields.Many2one(related="status_id.carrier_id", store=True)
    country_id = fields.Many2one(related="status_id.country_id", store=True, string="Region")
    company_id = fields.Many2one(related="status_id.company_id", store=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    happened_at = fields.Datetime(string="When", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, help="Empty: the control tower itself."
    )
    readings = fields.Json(readonly=True, help="[{kind, value, limit}] that led to it.")
    order_ids = fields.Many2many(
        "sale.order", string="Orders Planned Again", readonly=True, copy=False
    )
    summary = fields.Char(compute="_compute_explanation")
    explanation = fields.Text(compute="_compute_explanation", string="What Happened")

    @api.depends("action", "readings", "status_id", "order_ids")
    @api.depends_context("lang", "tz")
    def _compute_explanation(self):
        for event in self:
            event.summary, event.explanation = event._sentences()

    def _sentences(self):
        """(summary, explanation) of the event, in the reader's language."""
        self.ensure_one()
        status = self.status_id
        subject = status._subject_name()
        reasons = self._reading_sentences(status, self.readings or [])
        because = "; ".join(reasons)
        when = format_datetime(self.env, self.happened_at, dt_format="short")
        who = self.user_id.name or self.env._("The control tower")
        company = status.company_id or self.env.company
        if self.action == "warn":
            if status._mode() == "auto" and status.override == "auto":
                after = self.env._(
                    "If it lasts %(minutes)s minutes, it will be switched off for routing.",
                    minutes=company.oms_health_grace_minutes,
                )
            else:
                after = self.env._("It stays on for routing (warning only).")
            return (
                self.env._("%(subject)s is not healthy", subject=subject),
                self.env._(
                    "%(when)s: %(subject)s is not healthy: %(because)s. %(after)s",
                    when=when,
                    subject=subject,
                    because=because,
                    after=after,
                ),
            )
        if self.action == "clear":
            return (
                self.env._("%(subject)s is healthy again", subject=subject),
                self.env._(
                    "%(when)s: %(subject)s is healthy again: %(because)s.",
                    when=when,
                    subject=subject,
                    because=because or self.env._("no signal over its limit"),
                ),
            )
        if self.action == "switch_off":
            moved = self.env._(
                "%(count)s order(s) were planned again elsewhere.", count=len(self.order_ids)
            )
            if not self.order_ids:
                moved = self.env._("No open delivery had to move.")
            if self.user_id:
                text = self.env._(
                    "%(when)s: %(who)s switched %(subject)s off for routing (kept off). %(moved)s",
                    when=when,
                    who=who,
                    subject=subject,
                    moved=moved,
                )
            else:
                text = self.env._(
                    "%(when)s: %(subject)s was switched off for routing automatically: "
                    "%(because)s. %(moved)s It is switched back on when its signals clear.",
                    when=when,
                    subject=subject,
                    because=because,
                    moved=moved,
                )
            return self.env._("%(subject)s switched off for routing", subject=subject), text
        if self.action == "switch_on":
            if self.user_id:
                text = self.env._(
                    "%(when)s: %(who)s switched %(subject)s on for routing again (kept on).",
                    when=when,
                    who=who,
                    subject=subject,
                )
            else:
                text = self.env._(
                    "%(when)s: %(subject)s was switched on for routing again automatically: "
                    "%(because)s.",
                    when=when,
                    subject=subject,
                    because=because or self.env._("its signals cleared"),
                )
            return self.env._("%(subject)s switched on again", subject=subject), text
        if self.action in ("manual_on", "manual_off"):
            if self.action == "manual_on":
                text = self.env._(
                    "%(when)s: %(who)s switched %(subject)s on for routing; the control "
                    "tower leaves it as it is for the cool-down.",
                    when=when,
                    who=who,
                    subject=subject,
                )
            else:
                text = self.env._(
                    "%(when)s: %(who)s switched %(subject)s off for routing; the control "
                    "tower will not switch it back on by itself.",
                    when=when,
                    who=who,
                    subject=subject,
                )
            return text, text
        labels = dict(status._fields["override"]._description_selection(self.env))
        text = self.env._(
            "%(when)s: %(who)s set %(subject)s to \u201c%(override)s\u201d.",
            when=when,
            who=who,
            subject=subject,
            override=labels.get(status.override, ""),
        )
        return text, text

    @api.model
    def _reading_sentences(self, status, readings):
        """A sentence per reading ``{kind, value, limit}`` of ``status``."""
        carrier = status.carrier_id.name
        country = status.country_id.name
        out = []
        for reading in readings:
            kind, value, limit = reading["kind"], reading["value"], reading["limit"]
            if kind == "backlog_age":
                text = self.env._(
                    "its oldest open delivery has waited %(value)s hours (limit %(limit)s)",
                    value=self._number(value, 1),
                    limit=self._number(limit, 1),
                )
            elif kind == "reject_rate":
                text = self.env._(
                    "it turned down %(value)s of the deliveries offered in the last "
                    "24 hours (limit %(limit)s)",
                    value=self._percent(value),
                    limit=self._percent(limit),
                )
            elif kind == "pos_silent":
                text = self.env._(
                    "no till has been heard from for %(value)s minutes of opening hours "
                    "(limit %(limit)s)",
                    value=self._number(value, 0),
                    limit=self._number(limit, 0),
                )
            elif kind == "carrier_silent":
                text = self.env._(
                    "%(carrier)s has not scanned a parcel under way to %(country)s for "
                    "%(value)s hours (limit %(limit)s)",
                    carrier=carrier,
                    country=country,
                    value=self._number(value, 1),
                    limit=self._number(limit, 1),
                )
            elif kind == "carrier_exceptions":
                text = self.env._(
                    "%(value)s of %(carrier)s's parcels under way to %(country)s report "
                    "an exception or a failed delivery (limit %(limit)s)",
                    carrier=carrier,
                    country=country,
                    value=self._percent(value),
                    limit=self._percent(limit),
                )
            else:
                continue
            out.append(text)
        return out

    def _number(self, value, digits):
        # "30 hours", "1.5 hours": no decimals a reader does not need.
        if digits and round(value, digits) == round(value):
            digits = 0
        return formatLang(self.env, value, digits=digits)

    def _percent(self, share):
        return f"{formatLang(self.env, share * 100.0, digits=0)} %"
