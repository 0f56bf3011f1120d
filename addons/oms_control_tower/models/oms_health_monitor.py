"""What the control tower measures about nodes and carriers (docs/control_tower.md, "Failover").

Readings are derived from the deliveries, their tracking and the signals other parts record
(``oms.node.signal``), recorded back as signals, then compared with each subject's limits by
``oms.health.status``. Every figure is one grouped query, whatever the size of the network.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

SOURCE = "oms_control_tower"
# Rejections and accepts count over this window; a rate needs at least MIN_OFFERS of them.
REJECT_WINDOW = timedelta(hours=24)
MIN_OFFERS = 5
# Parcels shipped within this window and not yet arrived are "under way"; a carrier's
# readings in a country need at least MIN_PARCELS of them.
UNDER_WAY_WINDOW = timedelta(days=14)
MIN_PARCELS = 5
ARRIVED = ("delivered", "available_for_pickup", "return_to_sender")
PROBLEMS = ("exception", "failure")
# A reading older than this is ignored (its feeder stopped): the subject is judged without it.
FRESH = timedelta(hours=24)
# Till silence is counted in opening hours over at most this long.
SILENCE_HORIZON = timedelta(days=7)

NODE_KINDS = ("backlog_age", "reject_rate", "pos_silent")
CARRIER_KINDS = ("carrier_silent", "carrier_exceptions")


class OmsHealthMonitor(models.AbstractModel):
    _name = "oms.health.monitor"
    _description = "Network Health Monitor"

    @api.model
    def _cron_check_health(self, now=None):
        """Measure every watched node and carrier, record the readings, then warn, switch
        off or switch back on as their limits say. Safe to run twice or late: the same
        readings at the same moment change nothing the second time."""
        now = (now or fields.Datetime.now()).replace(microsecond=0)
        monitor = self.sudo()
        nodes = self.env["stock.warehouse"].sudo()._oms_health_watched()
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .search([("oms_health_mode", "!=", "off"), ("oms_routing_enabled", "=", True)])
        )
        monitor._record_node_readings(nodes, now)
        monitor._record_carrier_readings(carriers, now)
        statuses = self.env["oms.health.status"].sudo()
        statuses |= statuses._ensure_for_nodes(nodes)
        statuses |= statuses._ensure_for_carrier_regions(carriers, now)
        readings = monitor._latest_readings(statuses, now)
        for status in statuses.sorted("id"):
            status._evaluate(readings.get(status.id, {}), now)
        return True

    # ------------------------------------------------------------------ nodes

    @api.model
    def _record_node_readings(self, nodes, now):
        Signal = self.env["oms.node.signal"]
        backlog = self._backlog_ages(nodes, now)
        rates = self._reject_rates(nodes, now)
        silences = self._pos_silences(nodes, now)
        for node in nodes:
            key = f"node {node.id}"
            readings = {"backlog_age": backlog.get(node.id, 0.0)}
            if node.id in rates:
                readings["reject_rate"] = rates[node.id]
            if node.id in silences:
                readings["pos_silent"] = silences[node.id]
            for kind, value in readings.items():
                Signal._record(kind, value, source=SOURCE, warehouse=node, observed_at=now, key=key)

    @api.model
    def _backlog_ages(self, nodes, now):
        """Hours the oldest open delivery of each node has waited since it was released to
        the node (made, or let go by its wave): ``{warehouse id: hours}``."""
        if not nodes:
            return {}
        self.env["stock.picking"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT pt.warehouse_id,
                       MIN(COALESCE(p.oms_wave_released_at, p.create_date))
                  FROM stock_picking p
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                 WHERE pt.warehouse_id = ANY(%s)
                   AND p.state NOT IN ('draft', 'done', 'cancel')
                   AND p.oms_shipment_kind IN ('ship', 'pickup')
                   AND p.sale_id IS NOT NULL
                   AND COALESCE(p.oms_wave_state, '') != 'waiting'
                 GROUP BY pt.warehouse_id
                """,
                nodes.ids,
            )
        )
        return {
            wh_id: max((now - oldest).total_seconds() / 3600.0, 0.0)
            for wh_id, oldest in self.env.cr.fetchall()
        }

    @api.model
    def _reject_rates(self, nodes, now):
        """Share of the deliveries offered to each node in the last 24 hours that it turned
        down, for nodes with at least 5 answers: ``{warehouse id: share}``."""
        if not nodes:
            return {}
        self.env.cr.execute(
            """
            SELECT warehouse_id,
                   COUNT(*) FILTER (WHERE kind = 'reject'),
                   COUNT(*)
              FROM oms_node_signal
             WHERE warehouse_id = ANY(%s)
               AND kind IN ('accept', 'reject')
               AND observed_at > %s AND observed_at <= %s
             GROUP BY warehouse_id
            """,
            (nodes.ids, now - REJECT_WINDOW, now),
        )
        return {
            wh_id: rejects / total
            for wh_id, rejects, total in self.env.cr.fetchall()
            if total >= MIN_OFFERS
        }

    @api.model
    def _pos_silences(self, nodes, now):
        """Minutes of opening hours since a till of each store was last heard from, for
        stores with opening hours whose tills report (``pos_seen``); the calendar's closing
        days (its leaves and the company's public holidays) do not count."""
        watched = nodes.filtered("oms_opening_calendar_id")
        if not watched:
            return {}
        self.env.cr.execute(
            """
            SELECT warehouse_id, MAX(observed_at)
              FROM oms_node_signal
             WHERE warehouse_id = ANY(%s) AND kind = 'pos_seen'
             GROUP BY warehouse_id
            """,
            (watched.ids,),
        )
        last_seen = dict(self.env.cr.fetchall())
        silences = {}
        for node in watched.filtered(lambda wh: wh.id in last_seen):
            start = max(last_seen[node.id], now - SILENCE_HORIZON)
            if start >= now:
                silences[node.id] = 0.0
                continue
            # The calendar's closing days (public holidays, the store's own) are not opening
            # hours: a till silent on Christmas Day is a closed store, not a broken one.
            hours = node.oms_opening_calendar_id.get_work_hours_count(start, now)
            silences[node.id] = round(hours * 60.0, 1)
        return silences

    # ------------------------------------------------------------------ carriers

    @api.model
    def _carrier_regions(self, carriers, now):
        """Parcels of ``carriers`` under way per country: ``{(carrier id, country id):
        (parcels, last scan or hand-over, problems)}``."""
        if not carriers:
            return {}
        self.env["stock.picking"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.carrier_id, partner.country_id, COUNT(*),
                       MAX(COALESCE(p.oms_tracking_date, p.date_done)),
                       COUNT(*) FILTER (WHERE p.oms_tracking_status IN %s)
                  FROM stock_picking p
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                  JOIN res_partner partner ON partner.id = p.partner_id
                 WHERE p.carrier_id = ANY(%s)
                   AND p.state = 'done'
                   AND pt.code = 'outgoing'
                   AND p.date_done > %s
                   AND COALESCE(p.oms_tracking_status, 'pre_transit') NOT IN %s
                   AND partner.country_id IS NOT NULL
                 GROUP BY p.carrier_id, partner.country_id
                """,
                PROBLEMS,
                carriers.ids,
                now - UNDER_WAY_WINDOW,
                ARRIVED,
            )
        )
        return {
            (carrier_id, country_id): (count, last, problems)
            for carrier_id, country_id, count, last, problems in self.env.cr.fetchall()
        }

    @api.model
    def _record_carrier_readings(self, carriers, now):
        Signal = self.env["oms.node.signal"]
        regions = self._carrier_regions(carriers, now)
        # A region watched before with nothing under way now is quiet again: its parcels
        # arrived (a carrier switched off there gets no new ones to judge it by).
        watched = self.env["oms.health.status"].search([("carrier_id", "in", carriers.ids)])
        for status in watched:
            regions.setdefault((status.carrier_id.id, status.country_id.id), (MIN_PARCELS, now, 0))
        for (carrier_id, country_id), (count, last, problems) in regions.items():
            if count < MIN_PARCELS:
                continue
            carrier = carriers.browse(carrier_id)
            country = self.env["res.country"].browse(country_id)
            key = f"carrier {carrier_id} {country_id}"
            silent = max((now - last).total_seconds() / 3600.0, 0.0) if last else 0.0
            Signal._record(
                "carrier_silent",
                silent,
                source=SOURCE,
                carrier=carrier,
                country=country,
                observed_at=now,
                key=key,
            )
            Signal._record(
                "carrier_exceptions",
                problems / count,
                source=SOURCE,
                carrier=carrier,
                country=country,
                observed_at=now,
                key=key,
            )

    # ------------------------------------------------------------------ reading back

    @api.model
    def _latest_readings(self, statuses, now):
        """The latest fresh reading of each kind per status' subject, whatever its source:
        ``{status id: {kind: value}}``."""
        nodes = statuses.filtered("warehouse_id")
        regions = statuses - nodes
        result = defaultdict(dict)
        if nodes:
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (warehouse_id, kind) warehouse_id, kind, value
                  FROM oms_node_signal
                 WHERE warehouse_id = ANY(%s) AND kind IN %s
                   AND observed_at > %s AND observed_at <= %s
                 ORDER BY warehouse_id, kind, observed_at DESC, id DESC
                """,
                (nodes.warehouse_id.ids, NODE_KINDS, now - FRESH, now),
            )
            by_node = {status.warehouse_id.id: status.id for status in nodes}
            for wh_id, kind, value in self.env.cr.fetchall():
                result[by_node[wh_id]][kind] = value
        if regions:
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (carrier_id, country_id, kind)
                       carrier_id, country_id, kind, value
                  FROM oms_node_signal
                 WHERE carrier_id = ANY(%s) AND kind IN %s
                   AND observed_at > %s AND observed_at <= %s
                 ORDER BY carrier_id, country_id, kind, observed_at DESC, id DESC
                """,
                (regions.carrier_id.ids, CARRIER_KINDS, now - FRESH, now),
            )
            by_region = {(s.carrier_id.id, s.country_id.id): s.id for s in regions}
            for carrier_id, country_id, kind, value in self.env.cr.fetchall():
                status_id = by_region.get((carrier_id, country_id))
                if status_id:
                    result[status_id][kind] = value
        return result
