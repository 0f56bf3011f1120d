"""The cockpit's figures (docs/control_tower.md, "Cockpit").

Every count is the count of the list it opens: both come from one domain, counted with a
grouped query (``_read_group``) as the reader, so record rules and companies apply alike.
Sums and ages say what they are and open the same list as the count beside them. Other
addons add their own held orders, payments and ring-fenced stock through the
``_held_figures``, ``_payment_figures`` and ``_ring_fenced_figures`` hooks.
"""

from datetime import datetime, time, timedelta

import pytz
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount, format_datetime
from odoo.tools.misc import formatLang

READERS = "oms_omnichannel.group_oms_manager"
BUS_TYPE = "oms_control_tower/changed"
NOTIFY_KEY = "oms_control_tower.notify"
# Products whose sellable stock covers fewer days of the last week's sales are about to sell out.
SELL_OUT_DAYS = 3
SALES_WINDOW_DAYS = 7
LATE_ON_THE_WAY_DAYS = 30
SYNC_REPORT_STALE = timedelta(minutes=5)
ARRIVED = ("delivered", "available_for_pickup", "return_to_sender")


class OmsTowerDashboard(models.AbstractModel):
    _name = "oms.tower.dashboard"
    _description = "Control Tower Cockpit"

    # ------------------------------------------------------------------ the door

    @api.model
    def get_cockpit(self):
        """Every section of the cockpit, figures and the lists behind them, as the reader
        sees them (their companies, their language, formats and currency)."""
        self._check_reader()
        now = fields.Datetime.now()
        return {
            "generated_at": format_datetime(self.env, now, dt_format="medium"),
            "sections": [
                self._orders_section(now),
                self._backlog_section(now),
                self._parcels_section(now),
                self._figures_section("held", self.env._("Orders held"), self._held_figures()),
                self._figures_section(
                    "payments", self.env._("Payments"), self._payment_figures(now)
                ),
                self._stock_section(now),
                self._sync_section(now),
            ],
        }

    @api.model
    def _check_reader(self):
        if not self.env.user.has_group(READERS):
            raise AccessError(self.env._("Only OMS managers may open the control tower."))

    # ------------------------------------------------------------------ building blocks

    @api.model
    def _figure(self, key, label, model, domain, value=None, display=None, hint=None, tone=None):
        """One figure: ``value`` (default: the count of ``domain``) and the list it opens. A
        figure shown as ``display`` (an age, a state) is not a count: it is not counted (on
        100,000 orders, counting each node's list once more took most of the cockpit's time)."""
        countable = display is None
        if value is None:
            value = self.env[model].search_count(domain) if countable else 0
        return {
            "key": key,
            "label": label,
            "value": value,
            "display": display if display is not None else self._count(value),
            "countable": countable,
            "hint": hint or "",
            "tone": tone or ("" if not value else "info"),
            "action": {"res_model": model, "domain": domain, "name": label},
        }

    @api.model
    def _counts(self, model, domain, group_field):
        """``{group id: count}`` of ``domain`` grouped by a many2one or selection field."""
        groups = self.env[model]._read_group(domain, [group_field], ["__count"])
        return {(group.id if hasattr(group, "id") else group): count for group, count in groups}

    @api.model
    def _count(self, value):
        return formatLang(self.env, value, digits=0)

    @api.model
    def _duration(self, since, now):
        """How long ago ``since`` was, in words: "3 h 20 min", "2 days 4 h"."""
        minutes = max(int((now - since).total_seconds() // 60), 0)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            return self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
        if hours:
            return self.env._("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
        return self.env._("%(minutes)s min", minutes=minutes)

    @api.model
    def _today_start(self, now):
        """Midnight today in the reader's time zone, as the naive UTC Odoo stores."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        local = pytz.utc.localize(now).astimezone(tz)
        midnight = tz.localize(datetime.combine(local.date(), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _figures_section(self, key, title, figures, empty=None):
        return {"key": key, "type": "figures", "title": title, "figures": figures, "empty": empty}

    @api.model
    def _nodes(self):
        return self.env["stock.warehouse"].search([], order="sequence, id")

    # ------------------------------------------------------------------ orders

    @api.model
    def _orders_section(self, now):
        start = self._today_start(now)
        base = [("date_order", ">=", start), ("date_order", "<", start + timedelta(days=1))]
        groups = self.env["sale.order"]._read_group(
            base, ["oms_channel_id", "oms_routing_state"], ["__count"]
        )
        labels = dict(
            self.env["sale.order"]._fields["oms_routing_state"]._description_selection(self.env)
        )
        states = [code for code in labels if any(state == code for _c, state, _n in groups)]
        channels = (
            self.env["oms.channel"]
            .browse(sorted({channel.id for channel, _s, _n in groups if channel}))
            .sorted(lambda c: (c.sequence, c.name))
        )
        counts = {(channel.id, state): n for channel, state, n in groups}
        rows = []
        for channel in [*channels, self.env["oms.channel"]]:
            if not channel and not any(c is False for c, _s in counts):
                continue
            cells = []
            for state in states:
                domain = [
                    *base,
                    ("oms_channel_id", "=", channel.id),
                    ("oms_routing_state", "=", state),
                ]
                value = counts.get((channel.id, state), 0)
                label = f"{channel.name or self.env._('No channel')}: {labels[state]}"
                cells.append(
                    self._figure(
                        f"orders_{channel.code or 'none'}_{state}",
                        label,
                        "sale.order",
                        domain,
                        value,
                    )
                )
            total = sum(counts.get((channel.id, state), 0) for state in states)
            rows.append(
                {
                    "label": channel.name or self.env._("No channel"),
                    "cells": cells,
                    "total": self._figure(
                        f"orders_{channel.code or 'none'}_all",
                        channel.name or self.env._("No channel"),
                        "sale.order",
                        [*base, ("oms_channel_id", "=", channel.id)],
                        total,
                    ),
                }
            )
        return {
            "key": "orders",
            "type": "table",
            "title": self.env._("Orders today"),
            "columns": [labels[state] for state in states] + [self.env._("All")],
            "rows": rows,
            "empty": self.env._("No order today yet."),
        }

    # ------------------------------------------------------------------ backlog

    @api.model
    def _open_legs(self):
        """Deliveries to customers (or handovers in a store) that have not left."""
        return [
            ("sale_id", "!=", False),
            ("oms_shipment_kind", "in", ("ship", "pickup")),
            ("state", "in", ("confirmed", "waiting", "assigned")),
        ]

    @api.model
    def _unstarted(self):
        """Open deliveries released to their node that nobody has started."""
        return [
            *self._open_legs(),
            ("oms_wave_state", "!=", "waiting"),
            ("move_ids", "not any", [("picked", "=", True)]),
            ("move_ids", "not any", [("move_orig_ids.state", "=", "done")]),
        ]

    @api.model
    def _backlog_section(self, now):
        Picking = self.env["stock.picking"]
        unstarted = self._unstarted()
        field = "picking_type_id.warehouse_id"
        groups = Picking._read_group(unstarted, ["picking_type_id"], ["__count", "create_date:min"])
        count, oldest = {}, {}
        for picking_type, n, first in groups:
            wh = picking_type.warehouse_id.id
            count[wh] = count.get(wh, 0) + n
            oldest[wh] = min(oldest.get(wh, first), first)
        late_domain = [*unstarted, ("scheduled_date", "<", now)]
        late = {}
        for picking_type, n in Picking._read_group(late_domain, ["picking_type_id"], ["__count"]):
            late[picking_type.warehouse_id.id] = late.get(picking_type.warehouse_id.id, 0) + n
        waiting_domain = [*self._open_legs(), ("oms_wave_state", "=", "waiting")]
        waiting = {}
        for picking_type, n in Picking._read_group(
            waiting_domain, ["picking_type_id"], ["__count"]
        ):
            waiting[picking_type.warehouse_id.id] = waiting.get(picking_type.warehouse_id.id, 0) + n
        states = dict(
            self.env["oms.health.status"]._fields["state"]._description_selection(self.env)
        )
        statuses = {
            s.warehouse_id.id: s
            for s in self.env["oms.health.status"].search([("warehouse_id", "!=", False)])
        }
        rows = []
        for node in self._nodes():
            if not (node.oms_routing_enabled or count.get(node.id) or waiting.get(node.id)):
                continue
            status = statuses.get(node.id)
            node_domain = [(field, "=", node.id)]
            first = oldest.get(node.id)
            rows.append(
                {
                    "label": node.name,
                    "cells": [
                        self._figure(
                            f"backlog_{node.code}",
                            self.env._("%s: not started", node.name),
                            "stock.picking",
                            [*unstarted, *node_domain],
                            count.get(node.id, 0),
                        ),
                        self._figure(
                            f"backlog_age_{node.code}",
                            self.env._("%s: not started", node.name),
                            "stock.picking",
                            [*unstarted, *node_domain],
                            count.get(node.id, 0),
                            display=self._duration(first, now) if first else "-",
                            hint=self.env._("Oldest delivery not started yet"),
                        ),
                        self._figure(
                            f"late_to_leave_{node.code}",
                            self.env._("%s: should have left", node.name),
                            "stock.picking",
                            [*late_domain, *node_domain],
                            late.get(node.id, 0),
                            tone="danger" if late.get(node.id) else "",
                        ),
                        self._figure(
                            f"wave_{node.code}",
                            self.env._("%s: waiting for a wave", node.name),
                            "stock.picking",
                            [*waiting_domain, *node_domain],
                            waiting.get(node.id, 0),
                        ),
                        self._figure(
                            f"health_{node.code}",
                            self.env._("%s: health", node.name),
                            "oms.health.status",
                            [("warehouse_id", "=", node.id)],
                            display=(
                                states.get(status.state)
                                if status
                                else (
                                    states["ok"]
                                    if node.oms_routing_enabled
                                    else self.env._("Switched off")
                                )
                            ),
                            tone={"warning": "warning", "off": "danger"}.get(
                                status.state if status else "", ""
                            ),
                            hint=status.readings_text if status else "",
                        ),
                    ],
                }
            )
        return {
            "key": "backlog",
            "type": "table",
            "title": self.env._("Backlog per node"),
            "columns": [
                self.env._("Not started"),
                self.env._("Oldest waiting"),
                self.env._("Should have left (SLA at risk)"),
                self.env._("Waiting for a wave"),
                self.env._("Health"),
            ],
            "rows": rows,
            "empty": self.env._("No node."),
        }

    # ------------------------------------------------------------------ parcels

    @api.model
    def _parcels_section(self, now):
        open_legs = self._open_legs()
        figures = [
            self._figure(
                "late_not_shipped",
                self.env._("Late, not shipped yet"),
                "stock.picking",
                [*open_legs, ("oms_promised_date", "<", now)],
                tone="danger",
                hint=self.env._("Their promised date has passed and they have not left."),
            ),
            self._figure(
                "late_on_the_way",
                self.env._("Late, on the way"),
                "stock.picking",
                [
                    ("sale_id", "!=", False),
                    ("oms_shipment_kind", "=", "ship"),
                    ("state", "=", "done"),
                    ("picking_type_code", "=", "outgoing"),
                    ("date_done", ">=", now - timedelta(days=LATE_ON_THE_WAY_DAYS)),
                    ("oms_promised_date", "<", now),
                    ("oms_tracking_status", "not in", ARRIVED),
                ],
                tone="danger",
                hint=self.env._(
                    "Shipped in the last 30 days, not arrived, past their promised date."
                ),
            ),
            self._figure(
                "at_risk",
                self.env._("At risk"),
                "stock.picking",
                [
                    *open_legs,
                    ("oms_promised_date", ">=", now),
                    ("scheduled_date", "<", now),
                ],
                tone="warning",
                hint=self.env._("Should have left by now to keep their promise."),
            ),
        ]
        return self._figures_section("parcels", self.env._("Late and at-risk parcels"), figures)

    # ------------------------------------------------------------------ hooks

    @api.model
    def _held_figures(self):
        """Figures of orders held back. Other addons (risk review, payment gate) add theirs:
        ``res = super()._held_figures(); res.append(self._figure(...))``."""
        confirmed = [("state", "=", "sale")]
        return [
            self._figure(
                "held_hold",
                self.env._("On hold: a person decides"),
                "sale.order",
                [*confirmed, ("oms_routing_state", "=", "hold")],
                tone="danger",
            ),
            self._figure(
                "held_waiting",
                self.env._("Waiting for stock"),
                "sale.order",
                [*confirmed, ("oms_routing_state", "=", "waiting")],
                tone="warning",
            ),
            self._figure(
                "held_backorder",
                self.env._("Partly backordered"),
                "sale.order",
                [*confirmed, ("oms_routing_state", "=", "backorder")],
                tone="warning",
            ),
        ]

    @api.model
    def _payment_figures(self, now):
        """Payments pending and received (today). The payment addon may replace or add."""
        Order = self.env["sale.order"]
        pending = [("state", "=", "sale"), ("oms_payment_status", "in", ("pending", "authorized"))]
        start = self._today_start(now)
        received = [("oms_payment_status", "=", "paid"), ("date_order", ">=", start)]
        figures = []
        for key, label, domain, amount_field in (
            ("payments_pending", self.env._("Awaiting payment"), pending, "amount_total"),
            (
                "payments_received",
                self.env._("Paid, ordered today"),
                received,
                "oms_payment_amount",
            ),
        ):
            count = Order.search_count(domain)
            sums = Order._read_group(domain, ["currency_id"], [f"{amount_field}:sum"])
            amounts = ", ".join(format_amount(self.env, total, cur) for cur, total in sums if cur)
            figures.append(self._figure(key, label, "sale.order", domain, count, hint=amounts))
        return figures

    @api.model
    def _ring_fenced_figures(self):
        """Stock held back for one channel (ring-fencing, another addon): none here."""
        return []

    # ------------------------------------------------------------------ stock

    @api.model
    def _stock_section(self, now):
        nodes = self._nodes().filtered("oms_routing_enabled")
        Quant = self.env["stock.quant"]
        on_hand = [
            ("location_id.usage", "=", "internal"),
            ("location_id.warehouse_id", "in", nodes.ids),
            ("quantity", ">", 0),
        ]
        groups = Quant._read_group(
            on_hand, ["location_id"], ["__count", "quantity:sum", "reserved_quantity:sum"]
        )
        lines, units = {}, {}
        for location, n, qty, reserved in groups:
            wh = location.warehouse_id.id
            lines[wh] = lines.get(wh, 0) + n
            units[wh] = units.get(wh, 0.0) + qty - reserved
        figures = [
            self._figure(
                f"stock_{node.code}",
                self.env._("%s: products on hand", node.name),
                "stock.quant",
                [*on_hand[:1], ("location_id.warehouse_id", "=", node.id), on_hand[2]],
                lines.get(node.id, 0),
                hint=self.env._("%s units not reserved", self._count(units.get(node.id, 0.0))),
            )
            for node in nodes
        ]
        selling_out = self._selling_out(nodes, now)
        figures.append(
            self._figure(
                "selling_out",
                self.env._("About to sell out"),
                "product.product",
                [("id", "in", selling_out)],
                len(selling_out),
                tone="warning",
                hint=self.env._(
                    "Sellable stock covers less than %(days)s days of the last week's sales.",
                    days=SELL_OUT_DAYS,
                ),
            )
        )
        fenced = self._ring_fenced_figures()
        figures += fenced or [
            self._figure(
                "ring_fenced",
                self.env._("Ring-fenced"),
                "stock.quant",
                [("id", "=", 0)],
                0,
                display=self.env._("none"),
                hint=self.env._("No stock is held back for one channel."),
            )
        ]
        return self._figures_section("stock", self.env._("Stock health"), figures)

    @api.model
    def _selling_out(self, nodes, now):
        if not nodes:
            return []
        companies = self.env.companies.ids
        for model in ("stock.move", "stock.quant", "stock.location"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            WITH sold AS (
                SELECT move.product_id, SUM(move.product_qty) AS qty
                  FROM stock_move move
                  JOIN stock_location dest ON dest.id = move.location_dest_id
                 WHERE move.state = 'done' AND dest.usage = 'customer'
                   AND move.date >= %s AND move.company_id = ANY(%s)
                 GROUP BY move.product_id
            ),
            free AS (
                SELECT quant.product_id, SUM(quant.quantity - quant.reserved_quantity) AS qty
                  FROM stock_quant quant
                  JOIN stock_location loc ON loc.id = quant.location_id
                 WHERE loc.usage = 'internal' AND loc.warehouse_id = ANY(%s)
                 GROUP BY quant.product_id
            )
            SELECT free.product_id FROM free JOIN sold ON sold.product_id = free.product_id
             WHERE free.qty > 0 AND free.qty < sold.qty / %s * %s
             ORDER BY free.product_id
            """,
            (
                now - timedelta(days=SALES_WINDOW_DAYS),
                companies,
                nodes.ids,
                float(SALES_WINDOW_DAYS),
                float(SELL_OUT_DAYS),
            ),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        # As the reader may see them (companies), so the list shows the same products.
        return self.env["product.product"].search([("id", "in", ids)]).ids

    # ------------------------------------------------------------------ sync

    @api.model
    def _sync_section(self, now):
        Event = self.env["oms.outbox.event"].sudo()
        cursor = self.env["oms.outbox.consumer"].sudo()._acknowledged_cursor()
        health = self.env["oms.sync.health"].search([], order="reported_at desc", limit=1)
        figures = []
        if not health:
            stale = self.env._("The sync service has not reported yet.")
        elif now - health.reported_at > SYNC_REPORT_STALE:
            stale = self.env._(
                "The sync service's last report is %(age)s old.",
                age=self._duration(health.reported_at, now),
            )
        else:
            stale = ""
        if health:
            figures += [
                self._figure(
                    "inbox_pending",
                    self.env._("Inbox: events waiting"),
                    "oms.sync.health",
                    [("id", "=", health.id)],
                    health.inbox_pending,
                    display=self._count(health.inbox_pending),
                    hint=self.env._(
                        "Oldest waiting %(age)s; %(retrying)s retrying",
                        age=self._duration(
                            now - timedelta(seconds=health.inbox_oldest_age_seconds), now
                        ),
                        retrying=self._count(health.inbox_retrying),
                    ),
                    tone="warning" if health.inbox_pending else "",
                ),
                self._figure(
                    "dead_letters",
                    self.env._("Dead letters"),
                    "oms.sync.dead.letter",
                    [("health_id", "=", health.id)],
                    tone="danger",
                ),
            ]
        rows = []
        for channel in self.env["oms.channel"].search([]):
            domain = [("channel_code", "=", channel.code), ("id", ">", cursor)]
            pending = Event.search(domain, order="id", limit=1)
            figure = self._figure(
                f"outbox_{channel.code}",
                self.env._("%s: outbox not yet sent", channel.name),
                "oms.outbox.event",
                domain,
                Event.search_count(domain),
                tone="warning" if pending else "",
            )
            figure["hint"] = (
                self.env._("Oldest %(age)s", age=self._duration(pending.create_date, now))
                if pending
                else ""
            )
            dead = (
                self.env["oms.sync.dead.letter"].search_count(
                    [("health_id", "=", health.id), ("channel_code", "=", channel.code)]
                )
                if health
                else 0
            )
            figures.append(figure)
            if health:
                figures.append(
                    self._figure(
                        f"dead_{channel.code}",
                        self.env._("%s: dead letters", channel.name),
                        "oms.sync.dead.letter",
                        [("health_id", "=", health.id), ("channel_code", "=", channel.code)],
                        dead,
                        tone="danger" if dead else "",
                    )
                )
            rows.append(channel.id)
        section = self._figures_section("sync", self.env._("Sync health"), figures)
        section["warning"] = stale
        return section

    # ------------------------------------------------------------------ live

    @api.model
    def _notify_changed(self):
        """Tell the open cockpits to refresh, once per transaction, when it commits."""
        data = self.env.cr.precommit.data
        if data.get(NOTIFY_KEY):
            return
        data[NOTIFY_KEY] = True
        group = self.env.ref(READERS, raise_if_not_found=False)

        @self.env.cr.precommit.add
        def _send():
            if group:
                self.env["bus.bus"].sudo()._sendone(group, BUS_TYPE, {})
