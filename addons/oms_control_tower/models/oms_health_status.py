"""The health of one node, or of one carrier in one country, and the failover policy.

States: *Healthy* -> *Warned* (a signal over its limit; the OMS manager gets a to-do) ->
*Switched off* (still over its limit after the grace period, with automatic failover on: the
node or the carrier for that country is left out of routing and its unstarted work planned
again) -> back on automatically once every signal is under the clear level (hysteresis) and
the cool-down since the last switch has passed. A person can keep a subject on or off
whatever its signals say (manual override); a node a person switched off is never switched
back on by the control tower. Every step is an ``oms.health.event``.
"""

import logging
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .oms_health_monitor import CARRIER_KINDS, NODE_KINDS

_logger = logging.getLogger(__name__)

STATES = [("ok", "Healthy"), ("warning", "Warned"), ("off", "Switched off")]
OVERRIDES = [
    ("auto", "Automatic"),
    ("keep_on", "Keep on (ignore the signals)"),
    ("keep_off", "Keep off"),
]


class OmsHealthStatus(models.Model):
    _name = "oms.health.status"
    _description = "Node or Carrier Health"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, id"

    name = fields.Char(compute="_compute_name", store=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Node", readonly=True, ondelete="cascade", index=True
    )
    carrier_id = fields.Many2one("delivery.carrier", readonly=True, ondelete="cascade", index=True)
    country_id = fields.Many2one("res.country", string="Region", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    state = fields.Selection(
        STATES, default="ok", required=True, readonly=True, tracking=True, index=True
    )
    since = fields.Datetime(
        string="In This State Since", readonly=True, default=fields.Datetime.now
    )
    last_switch_at = fields.Datetime(
        string="Last Switched",
        readonly=True,
        help="The cool-down counts from here: the last switch, automatic or by a person.",
    )
    switched_by_tower = fields.Boolean(
        readonly=True,
        help="Switched off by the control tower (so it switches it back on when it clears).",
    )
    override = fields.Selection(
        OVERRIDES,
        string="Manual Override",
        default="auto",
        required=True,
        readonly=True,
        tracking=True,
    )
    readings = fields.Json(
        string="Readings (data)", readonly=True, help="The last readings: {kind: value}."
    )
    readings_text = fields.Text(string="Readings", compute="_compute_readings_text")
    event_ids = fields.One2many("oms.health.event", "status_id", string="History", readonly=True)

    _sql_constraints = [
        ("node_unique", "unique(warehouse_id)", "A node has one health status."),
        (
            "region_unique",
            "unique(carrier_id, country_id)",
            "A carrier has one health status per country.",
        ),
    ]

    @api.depends("warehouse_id.name", "carrier_id.name", "country_id.name")
    def _compute_name(self):
        for status in self:
            status.name = status._subject_name()

    def _subject_name(self):
        self.ensure_one()
        if self.warehouse_id:
            return self.warehouse_id.name
        return self.env._(
            "%(carrier)s to %(country)s",
            carrier=self.carrier_id.name,
            country=self.country_id.name or "",
        )

    @api.depends("readings")
    @api.depends_context("lang")
    def _compute_readings_text(self):
        explain = self.env["oms.health.event"]
        for status in self:
            status.readings_text = "\n".join(
                explain._reading_sentences(status, status._readings_with_limits(status.readings))
            )

    # ------------------------------------------------------------------ subjects

    @api.model
    def _ensure_for_nodes(self, nodes):
        existing = self.search([("warehouse_id", "in", nodes.ids)])
        missing = nodes - existing.warehouse_id
        return existing | self.create(
            [{"warehouse_id": wh.id, "company_id": wh.company_id.id} for wh in missing]
        )

    @api.model
    def _ensure_for_carrier_regions(self, carriers, now):
        """Statuses of the carriers' countries with readings, and of those switched off."""
        self.env.cr.execute(
            """
            SELECT DISTINCT carrier_id, country_id FROM oms_node_signal
             WHERE carrier_id = ANY(%s) AND country_id IS NOT NULL AND kind IN %s
            """,
            (carriers.ids, CARRIER_KINDS),
        )
        pairs = set(self.env.cr.fetchall())
        existing = self.search([("carrier_id", "in", carriers.ids)])
        missing = pairs - {(s.carrier_id.id, s.country_id.id) for s in existing}
        created = self.create(
            [
                {
                    "carrier_id": carrier_id,
                    "country_id": country_id,
                    "company_id": (carriers.browse(carrier_id).company_id or self.env.company).id,
                }
                for carrier_id, country_id in sorted(missing)
            ]
        )
        return existing | created

    def _mode(self):
        self.ensure_one()
        return (self.warehouse_id or self.carrier_id).oms_health_mode

    def _limits(self):
        """``{kind: limit}`` of the subject."""
        self.ensure_one()
        if self.warehouse_id:
            node = self.warehouse_id
            return {
                "backlog_age": node.oms_backlog_limit_hours,
                "reject_rate": node.oms_reject_rate_limit,
                "pos_silent": float(node.oms_pos_silence_limit),
            }
        carrier = self.carrier_id
        return {
            "carrier_silent": carrier.oms_scan_silence_limit_hours,
            "carrier_exceptions": carrier.oms_exception_rate_limit,
        }

    def _readings_with_limits(self, readings):
        limits = self._limits()
        kinds = NODE_KINDS if self.warehouse_id else CARRIER_KINDS
        return [
            {"kind": kind, "value": readings[kind], "limit": limits[kind]}
            for kind in kinds
            if readings and kind in readings and limits.get(kind, 0) > 0
        ]

    def _is_on(self):
        """Whether routing uses the subject now."""
        self.ensure_one()
        if self.warehouse_id:
            return self.warehouse_id.oms_routing_enabled
        return self.state != "off"

    # ------------------------------------------------------------------ the policy

    def _evaluate(self, readings, now):
        """Apply the failover policy to one subject's latest readings ``{kind: value}``."""
        self.ensure_one()
        company = self.company_id or self.env.company
        measured = self._readings_with_limits(readings)
        over = [r for r in measured if r["value"] > r["limit"]]
        clear_ratio = company.oms_health_clear_ratio or 0.8
        cleared = all(r["value"] <= r["limit"] * clear_ratio for r in measured)
        self.readings = readings
        grace = timedelta(minutes=company.oms_health_grace_minutes)
        cooled = not self.last_switch_at or now - self.last_switch_at >= timedelta(
            minutes=company.oms_health_cooldown_minutes
        )
        mode = self._mode()
        if self.state == "ok":
            if over:
                self._set_state("warning", now)
                event = self._event("warn", over, now)
                self._post_on_subject(event)
                self._tell_manager(event)
        elif self.state == "warning":
            if cleared:
                self._set_state("ok", now)
                event = self._event("clear", measured, now)
                self._post_on_subject(event)
                self._done_activities(event)
            elif (
                over
                and mode == "auto"
                and self.override == "auto"
                and self._is_on()
                and now - self.since >= grace
                and cooled
            ):
                self._switch_off(over, now)
        elif (
            self.state == "off"
            and self.switched_by_tower
            and cleared
            and cooled
            and self.override == "auto"
        ):
            self._switch_on(measured, now)

    def _set_state(self, state, now):
        self.write({"state": state, "since": now})

    def _switch_off(self, over, now, user=None):
        moved = self.env["sale.order"]
        self.write(
            {"state": "off", "since": now, "last_switch_at": now, "switched_by_tower": not user}
        )
        event = self._event("switch_off", over, now, user=user)
        if self.warehouse_id:
            moved = self._switch_node_off(event)
        else:
            moved = self._switch_carrier_off(event)
        event.order_ids = moved
        self._post_on_subject(event)
        self._tell_manager(event)
        return event

    def _switch_on(self, measured, now, user=None):
        self.write({"state": "ok", "since": now, "last_switch_at": now, "switched_by_tower": False})
        event = self._event("switch_on", measured, now, user=user)
        if self.warehouse_id:
            self.warehouse_id.with_context(oms_health_switch=True).oms_routing_enabled = True
        else:
            self.env["oms.network"]._invalidate()
        self._post_on_subject(event)
        self._done_activities(event)
        return event

    def _switch_node_off(self, event):
        """Leave the node out of routing and plan its unstarted deliveries elsewhere (the
        core failover: ``sale.order._oms_reroute``)."""
        node = self.warehouse_id
        pickings = node._oms_open_unstarted_deliveries()
        node.with_context(oms_health_switch=True).oms_routing_enabled = False
        changes = [{"code": "health_switch_off", "event": event.id}]
        return self._reroute_each(
            pickings, event, trigger="failover", excluded_warehouses=node, changes=changes
        )

    def _switch_carrier_off(self, event):
        """Leave the carrier out of routing to the country and plan its unstarted
        deliveries there again with other carriers."""
        self.env["oms.network"]._invalidate()
        pickings = (
            self.env["stock.picking"]
            .search(
                [
                    ("carrier_id", "=", self.carrier_id.id),
                    ("partner_id.country_id", "=", self.country_id.id),
                    ("state", "not in", ("draft", "done", "cancel")),
                    ("sale_id", "!=", False),
                    ("oms_shipment_kind", "=", "ship"),
                ]
            )
            .filtered(lambda p: not p._oms_is_started())
        )
        changes = [{"code": "health_switch_off", "event": event.id}]
        return self._reroute_each(pickings, event, trigger="carrier_off", changes=changes)

    def _reroute_each(self, pickings, event, changes, **kwargs):
        """Plan ``pickings``' confirmed orders again, each on its own: an order routing
        refuses (a person changed it meanwhile, say) gets a to-do for the OMS manager and
        the others still move - one refusal must not undo the switch for every order.
        Returns the orders planned again."""
        moved = self.env["sale.order"]
        orders = pickings.sale_id.filtered(lambda o: o.state == "sale")
        for order in orders.sorted("id"):
            try:
                with self.env.cr.savepoint():
                    order._oms_reroute(
                        pickings=pickings.filtered(lambda p, order=order: p.sale_id == order),
                        changes=list(changes),
                        **kwargs,
                    )
            except (UserError, ValidationError) as refusal:
                _logger.warning("control tower: %s not planned again: %s", order.name, refusal)
                order.activity_schedule(
                    "oms_control_tower.mail_activity_type_oms_health",
                    summary=self.env._("Plan this order again by hand"),
                    note=Markup("<p>%s</p>")
                    % self.env._(
                        "%(what)s, but this order could not be planned again: %(why)s",
                        what=event.summary,
                        why=refusal.args[0] if refusal.args else str(refusal),
                    ),
                    user_id=self._responsible().id,
                )
                continue
            moved |= order
        return moved

    def _event(self, action, readings, now, user=None):
        return self.env["oms.health.event"].create(
            {
                "status_id": self.id,
                "action": action,
                "readings": readings,
                "happened_at": now,
                "user_id": user.id if user else False,
            }
        )

    def _post_on_subject(self, event):
        """The sentence of ``event`` in the chatter of the node (and of this status)."""
        body = Markup("<p>%s</p>") % event.explanation
        if event.order_ids:
            body += Markup("<p>%s</p>") % Markup(", ").join(
                order._get_html_link() for order in event.order_ids
            )
        if self.warehouse_id:
            self.warehouse_id._message_log(body=body)
        self._message_log(body=body)

    def _responsible(self):
        company = self.company_id or self.env.company
        responsible = company.oms_responsible_user_id
        if responsible and responsible.active and not responsible.share:
            return responsible
        managers = self.env.ref("oms_omnichannel.group_oms_manager").sudo().users
        people = managers.filtered(
            lambda u: (
                u.active
                and not u.share
                and not u._is_superuser()
                and not u.has_group("oms_omnichannel.group_oms_integration")
            )
        )
        return people.sorted("id")[:1] or self.env.user

    def _tell_manager(self, event):
        """A to-do for the OMS manager: look at what the control tower did."""
        self.activity_schedule(
            "oms_control_tower.mail_activity_type_oms_health",
            summary=event.summary,
            note=Markup("<p>%s</p>") % event.explanation,
            user_id=self._responsible().id,
        )

    def _done_activities(self, event):
        activity_type = self.env.ref(
            "oms_control_tower.mail_activity_type_oms_health", raise_if_not_found=False
        )
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).action_feedback(
            feedback=event.explanation
        )

    # ------------------------------------------------------------------ people

    @api.model
    def _on_manual_switch(self, warehouses):
        """A person switched these nodes on or off: the control tower takes note, never
        undoes it by itself, and the cool-down starts."""
        now = fields.Datetime.now()
        statuses = self.sudo()._ensure_for_nodes(warehouses)
        for status in statuses:
            on = status.warehouse_id.oms_routing_enabled
            status.write(
                {
                    "state": "ok" if on else "off",
                    "since": now,
                    "last_switch_at": now,
                    "switched_by_tower": False,
                }
            )
            event = status._event("manual_on" if on else "manual_off", [], now, user=self.env.user)
            status._message_log(body=Markup("<p>%s</p>") % event.explanation)
            if on:
                status._done_activities(event)

    def action_keep_on(self):
        return self._set_override("keep_on")

    def action_keep_off(self):
        return self._set_override("keep_off")

    def action_automatic(self):
        return self._set_override("auto")

    def _set_override(self, override):
        """A person decides instead of the signals: keep the subject on (switching it on now
        if it is off, whoever switched it off: the latest person's word counts), keep it off
        (switching it off now), or hand it back to the signals."""
        self._check_manager()
        now = fields.Datetime.now()
        for status in self.sudo():
            vals = {"override": override}
            if override == "auto" and status.state == "off":
                # The signals decide again, also about switching it back on.
                vals["switched_by_tower"] = True
            status.write(vals)
            event = status._event("override", [], now, user=self.env.user)
            status._post_on_subject(event)
            if override == "keep_on" and status.state == "off":
                status._switch_on([], now, user=self.env.user)
            elif override == "keep_off" and status.state != "off":
                status._switch_off([], now, user=self.env.user)
        return True

    def _check_manager(self):
        if not self.env.user.has_group("oms_omnichannel.group_oms_manager"):
            raise AccessError(self.env._("Only an OMS manager may override the control tower."))
