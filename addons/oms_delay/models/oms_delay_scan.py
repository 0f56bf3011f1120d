# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delay scan: every open parcel's facts read in one query, judged by the engine
(``oms_engine.delay.detect_delay``), and only what changed written back.

A parcel is watched from its routing until it is delivered: before it leaves, against its
node's cutoff and its promised day; after it left, through its carrier's scans (parcels of a
carrier that sends no tracking are not watched once they left: nothing would tell their
arrival). A late parcel gets a delay record, its customer an e-mail with the new expected
date, customer service a to-do when the channel wants one; a parcel delivered late gets the
channel's compensation."""

import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from psycopg2.extras import execute_values

try:  # the manifest's external dependency
    from oms_engine.delay import DeliveryFacts, detect_delay
    from oms_engine.network import WorkCalendar
    from oms_engine.tracking import STATUSES
except ImportError:  # pragma: no cover
    detect_delay = None

_logger = logging.getLogger(__name__)

# A customer told of a delay is told again only when the date moves this many days later.
RETELL_DAYS = 2
FINAL_STATUSES = ("delivered", "available_for_pickup", "return_to_sender")


class OmsDelayScan(models.AbstractModel):
    _name = "oms.delay.scan"
    _description = "Delay Scan of Open Deliveries"

    @api.model
    def _cron_scan(self):
        """The cron: judge every open parcel now. Safe to run twice or late: it reads the
        parcels as they are and acts only on what changed."""
        return self._scan(fields.Datetime.now())

    @api.model
    def _cron_scan_news(self):
        """Judge at once the parcels whose carrier or node said something new (a tracking
        scan, a validation): a delay is flagged when it is known, not at the next full scan."""
        self.env["stock.picking"].flush_model(["oms_delay_rescan"])
        self.env.cr.execute("SELECT id FROM stock_picking WHERE oms_delay_rescan")
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return {"scanned": 0, "changed": 0, "late": 0}
        result = self._scan(fields.Datetime.now(), ids)
        self.env.cr.execute(
            "UPDATE stock_picking SET oms_delay_rescan = FALSE WHERE id = ANY(%s)", [ids]
        )
        self.env["stock.picking"].browse(ids).invalidate_recordset(["oms_delay_rescan"])
        return result

    @api.model
    def _trigger_soon(self):
        cron = self.env.ref("oms_delay.ir_cron_oms_delay_scan_news", raise_if_not_found=False)
        if cron and not self.env.cr.precommit.data.get("oms_delay.triggered"):
            self.env.cr.precommit.data["oms_delay.triggered"] = True
            cron.sudo()._trigger()

    @api.model
    def _scan(self, now, picking_ids=None):
        """Judge the open parcels (all, or ``picking_ids``) at ``now`` (naive UTC); return
        ``{"scanned": n, "changed": n, "late": n}``."""
        rows = self._open_parcels(picking_ids)
        aware_now = now.replace(tzinfo=UTC)
        nodes, carriers = self._nodes(rows), self._carriers(rows)
        changes, follow_ups = [], []
        late = 0
        for row in rows:
            node = nodes[row["warehouse_id"]]
            facts = self._facts(row, node, carriers.get(row["carrier_id"]))
            if facts is None:
                continue
            verdict = detect_delay(facts, aware_now)
            final = verdict.reasons[0].code in (
                "delivered_late",
                "delivered_on_time",
                "returned_to_sender",
            )
            late += verdict.status == "late"
            # An on-time parcel is stored as nothing: the first scan of a large network
            # writes only the parcels in trouble.
            status = None if verdict.status == "ok" else verdict.status
            expected = verdict.expected_date if status else None
            if status != row["oms_delay_status"] or expected != row["oms_expected_date"] or final:
                changes.append((row["id"], status, expected, final))
                if status or row["oms_delay_id"]:
                    follow_ups.append((row, verdict, final))
        self._write_changes(changes)
        if follow_ups:
            self._follow_up(follow_ups, now)
        return {"scanned": len(rows), "changed": len(changes), "late": late}

    # ------------------------------------------------------------------ reading

    @api.model
    def _open_parcels(self, picking_ids=None):
        """The parcels to judge, in one query: routed deliveries to customers that are
        released, not cancelled, not judged final; after they left, only those a carrier
        tells about."""
        self.env["stock.picking"].flush_model()
        query = """
            SELECT p.id, p.state, p.oms_promised_date, p.scheduled_date, p.date_done,
                   p.oms_tracking_status, p.oms_tracking_date, pt.warehouse_id, p.carrier_id,
                   p.oms_delay_status, p.oms_expected_date, p.oms_delay_id, p.sale_id,
                   p.company_id
              FROM stock_picking p
              JOIN stock_picking_type pt ON pt.id = p.picking_type_id
             WHERE p.oms_shipment_kind = 'ship'
               AND pt.code = 'outgoing'
               AND p.oms_promised_date IS NOT NULL
               AND p.oms_released
               AND NOT COALESCE(p.oms_delay_final, FALSE)
               AND (p.state NOT IN ('done', 'cancel')
                    OR (p.state = 'done' AND p.oms_tracking_status IS NOT NULL))
        """
        params = []
        if picking_ids is not None:
            query += " AND p.id = ANY(%s)"
            params.append(list(picking_ids))
        self.env.cr.execute(query + " ORDER BY p.id", params)
        return self.env.cr.dictfetchall()

    @api.model
    def _nodes(self, rows):
        """Per warehouse: its time zone, cutoff and working days, as routing has them."""
        network = self.env["oms.network"]
        warehouses = self.env["stock.warehouse"].sudo().browse({r["warehouse_id"] for r in rows})
        nodes = {}
        for warehouse in warehouses:
            node = network._prepare_node(warehouse)
            nodes[warehouse.id] = {
                "tz": node.timezone or "UTC",
                "zone": ZoneInfo(node.timezone or "UTC"),
                "cutoff": node.cutoff,
                "calendar": node.calendar,
            }
        return nodes

    @api.model
    def _carriers(self, rows):
        network = self.env["oms.network"]
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .browse({r["carrier_id"] for r in rows if r["carrier_id"]})
        )
        return {
            carrier.id: network._prepare_carrier_service(carrier).calendar for carrier in carriers
        }

    def _facts(self, row, node, carrier_calendar):
        zone = node["zone"]
        promised = _local_date(row["oms_promised_date"], zone)
        planned = row["scheduled_date"] or row["oms_promised_date"]
        ship_day = min(_local_date(planned, zone), promised)
        calendar = _carrier_calendar(carrier_calendar, node["calendar"])
        row["promised_local"] = promised
        status = row["oms_tracking_status"]
        scan = row["oms_tracking_date"]
        done = row["state"] == "done"
        return DeliveryFacts(
            delivery_id=str(row["id"]),
            promised_date=promised,
            ship_by=_ship_by(ship_day, node["cutoff"], zone),
            transit_days=_transit_days(calendar, ship_day, promised),
            timezone=node["tz"],
            calendar=node["calendar"],
            carrier_calendar=calendar,
            picked_at=row["date_done"].replace(tzinfo=UTC) if done and row["date_done"] else None,
            carrier_status=status if status in STATUSES else None,
            last_scan_at=scan.replace(tzinfo=UTC) if scan else None,
        )

    # ------------------------------------------------------------------ writing

    def _write_changes(self, changes):
        """What changed, in one statement: only the parcels whose verdict moved."""
        if not changes:
            return
        execute_values(
            self.env.cr._obj,
            """
            UPDATE stock_picking p
               SET oms_delay_status = v.status, oms_expected_date = v.expected::date,
                   oms_delay_final = v.final
              FROM (VALUES %s) AS v(id, status, expected, final)
             WHERE p.id = v.id
            """,
            [(pid, status, expected, final) for pid, status, expected, final in changes],
            page_size=1000,
        )
        self.env["stock.picking"].browse([c[0] for c in changes]).invalidate_recordset(
            ["oms_delay_status", "oms_expected_date", "oms_delay_final"]
        )

    def _follow_up(self, follow_ups, now):
        """Parcels at risk or late, or recorded before and changed: their delay records (the
        new ones inserted in one statement), then, for parcels of an order of a channel, the
        customer's e-mail, customer service's to-do, the compensation of a late arrival."""
        Delay = self.env["oms.delivery.delay"].sudo()
        existing = {
            d.picking_id.id: d
            for d in Delay.search([("picking_id", "in", [row["id"] for row, _v, _f in follow_ups])])
        }
        new_rows, updates = [], []
        for row, verdict, final in follow_ups:
            vals = {
                "status": verdict.status,
                "final": final,
                "expected_date": verdict.expected_date,
                "delay_days": verdict.delay_days,
                "reasons": [
                    {"code": r.code, "text": r.text, "params": _plain(r.params)}
                    for r in verdict.reasons
                ],
                "cause": verdict.cause or "unknown",
            }
            delay = existing.get(row["id"])
            if delay:
                if delay.cause_by_person:
                    del vals["cause"]
                updates.append((delay, vals))
            elif verdict.status != "ok":
                new_rows.append((row, vals))
        for delay, vals in updates:
            delay.write(vals)
        by_picking = {d.picking_id.id: d for d, _v in updates}
        by_picking.update(self._insert_delays(new_rows, now))
        for row, verdict, final in follow_ups:
            delay = by_picking.get(row["id"])
            if delay and row["sale_id"]:
                self._act_on(delay, verdict, final, now)

    def _insert_delays(self, new_rows, now):
        """The delay records of parcels found in trouble for the first time, in one INSERT:
        the first scan of a network of 100,000 parcels finds thousands, which the ORM would
        create one default_get at a time. Returns ``{picking id: record}``."""
        if not new_rows:
            return {}
        uid = self.env.uid
        values = [
            (
                row["id"],
                row["sale_id"],
                row["company_id"],
                vals["status"],
                vals["final"],
                row["promised_local"],
                vals["expected_date"],
                vals["delay_days"],
                vals["cause"],
                json.dumps(vals["reasons"]),
                now,
                uid,
                now,
                uid,
                now,
            )
            for row, vals in new_rows
        ]
        created = execute_values(
            self.env.cr._obj,
            """
            INSERT INTO oms_delivery_delay (picking_id, sale_order_id, company_id, status, final,
                promised_date, expected_date, delay_days, cause, reasons, detected_at,
                create_uid, create_date, write_uid, write_date,
                cause_by_person, activity_scheduled, compensated)
            SELECT v.picking_id::integer, v.sale_order_id::integer, v.company_id::integer,
                   v.status::varchar, v.final::boolean, v.promised_date::date,
                   v.expected_date::date, v.delay_days::integer, v.cause::varchar,
                   v.reasons::jsonb, v.detected_at::timestamp, v.create_uid::integer,
                   v.create_date::timestamp, v.write_uid::integer, v.write_date::timestamp,
                   FALSE, FALSE, FALSE
              FROM (VALUES %s) AS v(picking_id, sale_order_id, company_id, status, final,
                   promised_date, expected_date, delay_days, cause, reasons, detected_at,
                   create_uid, create_date, write_uid, write_date)
            RETURNING id, picking_id
            """,
            values,
            page_size=1000,
            fetch=True,
        )
        execute_values(
            self.env.cr._obj,
            "UPDATE stock_picking p SET oms_delay_id = v.delay FROM (VALUES %s) AS v(delay, id)"
            " WHERE p.id = v.id",
            created,
            page_size=1000,
        )
        self.env["stock.picking"].browse([pid for _id, pid in created]).invalidate_recordset(
            ["oms_delay_id"]
        )
        Delay = self.env["oms.delivery.delay"].sudo()
        return {picking_id: Delay.browse(delay_id) for delay_id, picking_id in created}

    def _act_on(self, delay, verdict, final, now):
        picking = delay.picking_id
        order = picking.sale_id
        if not order.oms_channel_id:
            return
        if verdict.status == "late" and not final:
            self._tell_customer(delay, order, picking, now)
        if (
            verdict.status in ("late", "at_risk")
            and not final
            and order.oms_channel_id.delay_activity
            and not delay.activity_scheduled
        ):
            self._ask_customer_service(delay, order)
        if final and verdict.status == "late" and verdict.reasons[0].code == "delivered_late":
            order._oms_compensate(delay)

    def _tell_customer(self, delay, order, picking, now):
        """The customer hears of the delay once, with the new expected date; again only
        when the date moves later by ``RETELL_DAYS`` or more."""
        expected = delay.expected_date
        told = delay.told_date
        if delay.told_at and (
            not expected or (told and expected < told + timedelta(days=RETELL_DAYS))
        ):
            return
        lang = order.partner_id.lang or self.env.lang
        order._oms_notify_customer(
            "delayed",
            pickings=picking,
            key=f"delay-{picking.id}-{expected or 'open'}",
            expected_date=expected,
            reason=delay._customer_sentence(lang),
        )
        delay.write({"told_date": expected, "told_at": now})

    def _ask_customer_service(self, delay, order):
        order.activity_schedule(
            "oms_delay.mail_activity_type_oms_late_parcel",
            summary=self.env._("Parcel %s is late", delay.picking_id.name),
            note=delay.explanation_html,
            user_id=order._oms_responsible_user().id,
        )
        delay.activity_scheduled = True


# Parcels share their dates (routing promises noon and ships at eight, local): the
# conversions below are remembered across a scan.
@lru_cache(maxsize=65536)
def _local_date(value, zone):
    return value.replace(tzinfo=UTC).astimezone(zone).date()


@lru_cache(maxsize=4096)
def _ship_by(ship_day, cutoff, zone):
    return datetime.combine(ship_day, cutoff, zone)


@lru_cache(maxsize=256)
def _carrier_calendar(carrier_calendar, node_calendar):
    """The carrier's working days; its public holidays are the shipping node's country's."""
    if carrier_calendar is None:
        return node_calendar
    if carrier_calendar.country is None:
        return type(carrier_calendar)(
            node_calendar.country,
            carrier_calendar.subdivision,
            carrier_calendar.working_weekdays,
            carrier_calendar.closed_dates,
        )
    return carrier_calendar


@lru_cache(maxsize=64)
def _work_calendar(calendar):
    # Calendars are frozen and few: their working days are remembered across a scan.
    return WorkCalendar(calendar, calendar.country)


@lru_cache(maxsize=4096)
def _transit_days(calendar, ship_day, promised):
    """Carrier working days from the ship day to the promised day, as routing counted them."""
    work = _work_calendar(calendar)
    days, current = 0, ship_day.toordinal()
    end = promised.toordinal()
    while current < end and days < 60:
        current += 1
        days += work.is_working(current)
    return days


def _plain(params):
    result = {}
    for name, value in dict(params).items():
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, time | timedelta):
            value = str(value)
        result[name] = value
    return result
