"""Delay detection: will a delivery keep its promise? A pure function of its facts and ``now``.

A delivery is flagged as soon as the trouble is known, not when the customer calls::

    verdict = detect_delay(facts, now, policy)
    verdict.status          # "late" | "at_risk" | "ok"
    verdict.expected_date   # the new expected date, when it can be worked out
    verdict.reasons         # every signal, the most serious first

Signals, most serious first: returned to sender; delivered after the promise; the carrier's own
estimate after the promise; the promised date passed; not picked by the node's cutoff on its
ship date (the next possible ship date plus transit gives the new date); a carrier exception
or failed attempt; no carrier scan within the expected time after handover or since the last
scan. ``late`` means the promise is (or will be) missed; ``at_risk`` means trouble whose
outcome is not known yet, or a missed cutoff the promise still absorbs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oms_engine.errors import InvalidInput
from oms_engine.model import Calendar
from oms_engine.network import WorkCalendar
from oms_engine.tracking import STATUSES
from oms_engine.wording import Reason, check_count, date_text, plural

DelayStatus = Literal["late", "at_risk", "ok"]
DelayCause = Literal["node", "carrier", "unknown"]


@dataclass(frozen=True, slots=True)
class DelayPolicy:
    """How long a parcel may go without a carrier scan before it is at risk: the first scan
    after handover (``first_scan_within``) and between scans in transit
    (``scan_gap_within``)."""

    first_scan_within: timedelta = timedelta(hours=24)
    scan_gap_within: timedelta = timedelta(hours=72)


@dataclass(frozen=True, slots=True)
class DeliveryFacts:
    """What is known of one delivery (a parcel from one node) on its way to the customer.

    ``ship_by``: the node's cutoff on the planned ship date (timezone-aware); its local time
    of day is the node's daily cutoff. ``picked_at``: when the node finished picking and
    handed it to the carrier (``None``: not yet). ``carrier_status`` is a tracking status of
    :mod:`oms_engine.tracking`, ``last_scan_at`` the time of the last carrier scan,
    ``carrier_estimate`` the carrier's own estimated delivery date, ``delivered_at`` when it
    was delivered (or made available at a parcel shop). ``transit_days`` counts carrier
    working days after handover; ``calendar`` is the node's working days and
    ``carrier_calendar`` the carrier's (``None``: the node's). ``timezone`` is the node's, in
    which "today" and dates are read.
    """

    delivery_id: str
    promised_date: date
    ship_by: datetime
    transit_days: int = 1
    timezone: str = "UTC"
    calendar: Calendar = field(default_factory=Calendar)
    carrier_calendar: Calendar | None = None
    picked_at: datetime | None = None
    carrier_status: str | None = None
    last_scan_at: datetime | None = None
    carrier_estimate: date | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DelayVerdict:
    """Whether a delivery keeps its promise.

    ``reasons``: every signal found, the most serious first (``reasons[0]`` is the headline).
    ``expected_date``: the new expected delivery date when it can be worked out (``None``
    otherwise). ``delay_days``: calendar days after the promise - of the delivery, of the
    expected date, or of today when the promise passed with no better estimate (0 when on
    time). ``cause``: who the facts point at - the shipping ``node``, the ``carrier``, or
    ``unknown`` - for the compensation policy, which the caller may overrule (a failed
    attempt because nobody was home is the customer's).
    """

    delivery_id: str
    status: DelayStatus
    reasons: tuple[Reason, ...]
    expected_date: date | None
    delay_days: int
    cause: DelayCause | None


_RANK = {"late": 2, "at_risk": 1, "ok": 0}


@lru_cache(maxsize=256)
def _work_calendar(calendar: Calendar) -> WorkCalendar:
    # Calendars are frozen and few (one per node, one per carrier): their working days are
    # memoised across the deliveries of a scan (a pure function of the calendar).
    return WorkCalendar(calendar, calendar.country)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("facts.timezone", f"unknown time zone {name!r}") from exc


def _aware(value: datetime | None, path: str) -> None:
    if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
        raise InvalidInput(path, "must be a timezone-aware datetime")


def check_delivery_facts(facts: DeliveryFacts, now: datetime) -> None:
    """Raise :class:`InvalidInput` for facts the detection cannot read."""
    _aware(now, "now")
    _aware(facts.ship_by, "facts.ship_by")
    if facts.ship_by is None:
        raise InvalidInput("facts.ship_by", "must be a timezone-aware datetime")
    for name in ("picked_at", "last_scan_at", "delivered_at"):
        _aware(getattr(facts, name), f"facts.{name}")
    if not isinstance(facts.promised_date, date) or isinstance(facts.promised_date, datetime):
        raise InvalidInput("facts.promised_date", "must be a date")
    check_count(facts.transit_days, "facts.transit_days")
    if facts.carrier_status is not None and facts.carrier_status not in STATUSES:
        raise InvalidInput(
            "facts.carrier_status", f"unknown tracking status {facts.carrier_status!r}"
        )
    _zone(facts.timezone)


def detect_delay(
    facts: DeliveryFacts, now: datetime, policy: DelayPolicy | None = None
) -> DelayVerdict:
    """The delay verdict of one delivery at ``now`` (timezone-aware).

    Deterministic and free of I/O: the delay scan calls it for every open delivery and acts
    on the ``late`` and ``at_risk`` ones (notice to the customer, a task for customer
    service); a delivered one gives its final delay for the compensation policy.
    """
    check_delivery_facts(facts, now)
    policy = policy or DelayPolicy()
    tz = _zone(facts.timezone)
    today = now.astimezone(tz).date()
    promised = facts.promised_date
    signals: list[tuple[str, str, Reason, date | None, DelayCause | None]] = []

    def add(status, code, text, expected=None, cause=None, **params):
        params.setdefault("promised_date", promised)
        if expected is not None:
            params.setdefault("expected_date", expected)
        signals.append((status, code, Reason(code, text, params), expected, cause))

    delivered = facts.delivered_at
    if delivered is None and facts.carrier_status in ("delivered", "available_for_pickup"):
        delivered = facts.last_scan_at
    if delivered is not None:
        day = delivered.astimezone(tz).date()
        if day > promised:
            late = plural((day - promised).days, "day")
            text = (
                f"Delivered on {date_text(day)}, {late} after the promised {date_text(promised)}."
            )
            add(
                "late",
                "delivered_late",
                text,
                day,
                _cause_of_late_delivery(facts),
                delivered_on=day,
            )
        else:
            text = f"Delivered on {date_text(day)}, as promised."
            add("ok", "delivered_on_time", text, day, delivered_on=day)
        return _verdict(facts, signals, today)
    if facts.carrier_status == "return_to_sender":
        text = "The carrier is sending the parcel back to us: it will not arrive as promised."
        add("late", "returned_to_sender", text, None, "carrier")
    estimate = facts.carrier_estimate
    if estimate is not None and estimate > promised:
        text = (
            f"The carrier now expects to deliver on {date_text(estimate)}, after the promised "
            f"{date_text(promised)}."
        )
        add("late", "carrier_estimate_late", text, estimate, "carrier")
    if today > promised:
        expected = estimate if estimate is not None and estimate >= today else None
        text = f"The promised date {date_text(promised)} has passed and it is not delivered."
        add("late", "promise_passed", text, expected)
    if facts.picked_at is None:
        _cutoff_signal(facts, now, tz, add)
    else:
        _scan_signals(facts, now, policy, add)
    if not signals:
        expected = estimate if estimate is not None else promised
        add("ok", "on_track", f"On track for {date_text(promised)}.", expected)
    return _verdict(facts, signals, today)


def _cutoff_signal(facts: DeliveryFacts, now: datetime, tz: ZoneInfo, add) -> None:
    """Not picked by the node's cutoff on its ship date: when can it ship, and arrive?"""
    if now <= facts.ship_by:
        return
    local_now = now.astimezone(tz)
    cutoff = facts.ship_by.astimezone(tz).timetz().replace(tzinfo=None)
    node = _work_calendar(facts.calendar)
    carrier = _work_calendar(facts.carrier_calendar or facts.calendar)
    day = local_now.date().toordinal()
    if local_now.time() > cutoff or not node.is_working(day):
        day += 1
    ship = node.next_working(day)
    arrive = carrier.add_working_days(carrier.next_working(ship), facts.transit_days)
    ship_day, arrive_day = date.fromordinal(ship), date.fromordinal(arrive)
    promised = facts.promised_date
    missed = date_text(facts.ship_by.astimezone(tz).date())
    if arrive_day > promised:
        status, outcome = "late", f"after the promised {date_text(promised)}"
    else:
        status, outcome = "at_risk", "still in time"
    text = (
        f"Not picked by the cutoff on {missed}: it can ship on {date_text(ship_day)} and "
        f"arrive on {date_text(arrive_day)}, {outcome}."
    )
    add(status, "missed_node_cutoff", text, arrive_day, "node", ship_date=ship_day)


def _scan_signals(facts: DeliveryFacts, now: datetime, policy: DelayPolicy, add) -> None:
    """Carrier trouble: an exception or failed attempt, or silence."""
    status = facts.carrier_status
    if status == "exception":
        text = "The carrier reports a problem with the parcel."
        add("at_risk", "carrier_exception", text, None, "carrier")
    elif status == "failure":
        text = "The carrier could not deliver the parcel."
        add("at_risk", "delivery_attempt_failed", text, None, "carrier")
    if status in ("exception", "failure"):
        return
    last = facts.last_scan_at
    if last is None or status == "pre_transit":
        # a label announced to the carrier (pre-transit) is not the carrier having the parcel
        since, allowed, words = facts.picked_at, policy.first_scan_within, "it was handed over"
    else:
        since, allowed, words = last, policy.scan_gap_within, "its last scan"
    silence = now - since
    if silence > allowed:
        hours = int(silence.total_seconds() // 3600)
        span = plural(hours, "hour") if hours < 72 else plural(hours // 24, "day")
        text = f"No carrier scan for {span} since {words}."
        add("at_risk", "no_carrier_scan", text, None, "carrier", silent_hours=hours)


def _cause_of_late_delivery(facts: DeliveryFacts) -> DelayCause:
    """A parcel delivered late: the node's fault when it was handed over after its cutoff,
    the carrier's when it was handed over in time, unknown without a handover time."""
    if facts.picked_at is None:
        return "unknown"
    return "node" if facts.picked_at > facts.ship_by else "carrier"


def _verdict(facts: DeliveryFacts, signals, today: date) -> DelayVerdict:
    # stable sort: the worst status first, in the order the signals were found
    signals.sort(key=lambda s: -_RANK[s[0]])
    status = signals[0][0]
    expected_dates = [s[3] for s in signals if s[3] is not None]
    expected = max(expected_dates) if expected_dates else None
    if status == "ok":
        expected = signals[0][3]
    promised = facts.promised_date
    if expected is not None:
        delay = max(0, (expected - promised).days)
    elif status == "late":
        delay = max(0, (today - promised).days)
    else:
        delay = 0
    cause = None
    if status != "ok":
        cause = next((s[4] for s in signals if s[4] is not None), "unknown")
    return DelayVerdict(
        facts.delivery_id, status, tuple(s[2] for s in signals), expected, delay, cause
    )


__all__ = [
    "DelayCause",
    "DelayPolicy",
    "DelayStatus",
    "DelayVerdict",
    "DeliveryFacts",
    "check_delivery_facts",
    "detect_delay",
]
