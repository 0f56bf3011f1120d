"""Delay detection (oms_engine.delay): each signal, new expected dates, the verdict's cause."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from oms_engine.delay import DelayPolicy, DeliveryFacts, detect_delay
from oms_engine.errors import InvalidInput
from oms_engine.model import Calendar

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


# Tuesday 1 Dec 2026, cutoff 16:00; one day of transit; promised Wednesday 2 Dec.
def delivery(**kw) -> DeliveryFacts:
    base = {
        "delivery_id": "WH/OUT/0001",
        "promised_date": date(2026, 12, 2),
        "ship_by": at("2026-12-01 16:00"),
        "transit_days": 1,
        "timezone": "Europe/Berlin",
        "calendar": Calendar(country="DE"),
    }
    base.update(kw)
    return DeliveryFacts(**base)


def codes(verdict):
    return [r.code for r in verdict.reasons]


def test_a_parcel_on_its_way_in_time_is_ok():
    verdict = detect_delay(
        delivery(
            picked_at=at("2026-12-01 14:00"),
            carrier_status="in_transit",
            last_scan_at=at("2026-12-01 19:00"),
        ),
        at("2026-12-01 22:00"),
    )
    assert (verdict.status, codes(verdict), verdict.delay_days) == ("ok", ["on_track"], 0)
    assert verdict.expected_date == date(2026, 12, 2)
    assert verdict.reasons[0].text == "On track for Wed 2 Dec 2026."
    assert verdict.cause is None


def test_not_picked_by_the_cutoff_gives_the_next_ship_date_and_a_new_expected_date():
    verdict = detect_delay(delivery(), at("2026-12-01 16:30"))
    assert (verdict.status, codes(verdict)) == ("late", ["missed_node_cutoff"])
    assert verdict.expected_date == date(2026, 12, 3)  # ships Wed, arrives Thu
    assert verdict.delay_days == 1 and verdict.cause == "node"
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 2)
    assert "arrive on Thu 3 Dec 2026, after the promised Wed 2 Dec 2026" in verdict.reasons[0].text
    # before the cutoff nothing is wrong yet
    assert detect_delay(delivery(), at("2026-12-01 15:59")).status == "ok"


def test_a_missed_cutoff_on_friday_skips_the_weekend_and_holidays():
    # Thursday 24 Dec 2026 cutoff missed: the 25th and 26th are holidays, then the weekend
    facts = delivery(ship_by=at("2026-12-24 16:00"), promised_date=date(2026, 12, 28))
    verdict = detect_delay(facts, at("2026-12-24 17:00"))
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 28)
    assert verdict.expected_date == date(2026, 12, 29)
    assert verdict.delay_days == 1


def test_a_missed_cutoff_the_promise_absorbs_is_at_risk_not_late():
    verdict = detect_delay(delivery(promised_date=date(2026, 12, 4)), at("2026-12-01 18:00"))
    assert (verdict.status, verdict.expected_date, verdict.delay_days) == (
        "at_risk",
        date(2026, 12, 3),
        0,
    )
    assert verdict.reasons[0].text.endswith("still in time.")
    # next morning, before the cutoff, it can still ship the same day
    verdict = detect_delay(delivery(promised_date=date(2026, 12, 4)), at("2026-12-02 09:00"))
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 2)


def test_a_carrier_calendar_of_its_own_counts_transit():
    saturday_carrier = Calendar(country="DE", working_weekdays=frozenset(range(6)))
    facts = delivery(ship_by=at("2026-12-03 16:00"), promised_date=date(2026, 12, 4))
    assert detect_delay(facts, at("2026-12-03 17:00")).expected_date == date(2026, 12, 7)
    verdict = detect_delay(
        replace(facts, carrier_calendar=saturday_carrier), at("2026-12-03 17:00")
    )
    assert verdict.expected_date == date(2026, 12, 5)


def test_carrier_exception_and_failed_attempt_are_at_risk_with_the_carrier_as_cause():
    shipped = delivery(picked_at=at("2026-12-01 14:00"), last_scan_at=at("2026-12-01 20:00"))
    for status, code in (
        ("exception", "carrier_exception"),
        ("failure", "delivery_attempt_failed"),
    ):
        verdict = detect_delay(replace(shipped, carrier_status=status), at("2026-12-02 09:00"))
        assert (verdict.status, codes(verdict), verdict.cause) == ("at_risk", [code], "carrier")
        assert verdict.expected_date is None


def test_no_scan_after_handover_or_since_the_last_scan():
    handed_over = delivery(picked_at=at("2026-12-01 14:00"))
    assert detect_delay(handed_over, at("2026-12-02 13:59")).status == "ok"
    verdict = detect_delay(handed_over, at("2026-12-02 14:01"))
    assert (verdict.status, codes(verdict)) == ("at_risk", ["no_carrier_scan"])
    assert verdict.reasons[0].text == "No carrier scan for 24 hours since it was handed over."
    # a label announced to the carrier does not count as a scan
    labelled = replace(
        handed_over, carrier_status="pre_transit", last_scan_at=at("2026-12-01 14:05")
    )
    assert codes(detect_delay(labelled, at("2026-12-02 15:00"))) == ["no_carrier_scan"]
    scanned = replace(
        handed_over,
        carrier_status="in_transit",
        last_scan_at=at("2026-12-01 20:00"),
        promised_date=date(2026, 12, 9),
    )
    assert detect_delay(scanned, at("2026-12-04 19:00")).status == "ok"
    verdict = detect_delay(scanned, at("2026-12-04 21:00"))
    assert verdict.reasons[0].text == "No carrier scan for 3 days since its last scan."
    policy = DelayPolicy(scan_gap_within=timedelta(hours=100))
    assert detect_delay(scanned, at("2026-12-04 21:00"), policy).status == "ok"


def test_a_passed_promise_is_late_by_the_days_since():
    shipped = delivery(
        picked_at=at("2026-12-01 14:00"),
        carrier_status="in_transit",
        last_scan_at=at("2026-12-03 08:00"),
    )
    verdict = detect_delay(shipped, at("2026-12-04 10:00"))
    assert (verdict.status, codes(verdict)) == ("late", ["promise_passed"])
    assert (verdict.delay_days, verdict.expected_date) == (2, None)
    # the carrier's own estimate gives the new date
    verdict = detect_delay(
        replace(shipped, carrier_estimate=date(2026, 12, 5)), at("2026-12-04 10:00")
    )
    assert codes(verdict) == ["carrier_estimate_late", "promise_passed"]
    assert (verdict.expected_date, verdict.delay_days, verdict.cause) == (
        date(2026, 12, 5),
        3,
        "carrier",
    )


def test_a_late_estimate_is_flagged_before_the_promised_day():
    facts = delivery(
        picked_at=at("2026-12-01 14:00"),
        carrier_status="exception",
        last_scan_at=at("2026-12-01 20:00"),
        carrier_estimate=date(2026, 12, 7),
    )
    verdict = detect_delay(facts, at("2026-12-02 07:00"))
    assert verdict.status == "late"
    assert codes(verdict) == ["carrier_estimate_late", "carrier_exception"]
    assert (verdict.expected_date, verdict.delay_days) == (date(2026, 12, 7), 5)


def test_delivered_parcels_give_their_final_delay_and_who_was_late():
    on_time = delivery(picked_at=at("2026-12-01 14:00"), delivered_at=at("2026-12-02 11:00"))
    verdict = detect_delay(on_time, at("2026-12-05 10:00"))
    assert (verdict.status, codes(verdict), verdict.delay_days) == ("ok", ["delivered_on_time"], 0)
    carrier_late = replace(on_time, delivered_at=at("2026-12-04 11:00"))
    verdict = detect_delay(carrier_late, at("2026-12-05 10:00"))
    assert (verdict.status, verdict.delay_days, verdict.cause) == ("late", 2, "carrier")
    node_late = replace(carrier_late, picked_at=at("2026-12-02 09:00"))
    assert detect_delay(node_late, at("2026-12-05 10:00")).cause == "node"
    # delivered to a parcel shop, known from the scan only
    parcel_shop = replace(
        on_time,
        delivered_at=None,
        carrier_status="available_for_pickup",
        last_scan_at=at("2026-12-03 09:00"),
    )
    assert detect_delay(parcel_shop, at("2026-12-05 10:00")).delay_days == 1


def test_returned_to_sender_is_late_without_a_date():
    facts = delivery(
        picked_at=at("2026-12-01 14:00"),
        carrier_status="return_to_sender",
        last_scan_at=at("2026-12-02 09:00"),
    )
    verdict = detect_delay(facts, at("2026-12-02 10:00"))
    assert (verdict.status, codes(verdict), verdict.expected_date) == (
        "late",
        ["returned_to_sender"],
        None,
    )


def test_dates_are_read_in_the_nodes_time_zone():
    # 23:30 UTC on 2 Dec is already 3 Dec in Berlin: the promise of the 2nd has passed there
    shipped = delivery(
        picked_at=at("2026-12-01 14:00"),
        carrier_status="in_transit",
        last_scan_at=at("2026-12-02 20:00"),
    )
    from datetime import timezone

    assert (
        detect_delay(shipped, datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)).status == "late"
    )
    assert detect_delay(shipped, datetime(2026, 12, 2, 22, 30, tzinfo=timezone.utc)).status == "ok"


@pytest.mark.parametrize(
    ("bad", "now", "path"),
    [
        ({}, datetime(2026, 12, 1, 10), "now"),
        ({"ship_by": datetime(2026, 12, 1, 16)}, at("2026-12-01 10:00"), "facts.ship_by"),
        ({"picked_at": datetime(2026, 12, 1, 16)}, at("2026-12-01 10:00"), "facts.picked_at"),
        ({"carrier_status": "lost_in_space"}, at("2026-12-01 10:00"), "facts.carrier_status"),
        ({"timezone": "Mars/Olympus"}, at("2026-12-01 10:00"), "facts.timezone"),
        ({"transit_days": -1}, at("2026-12-01 10:00"), "facts.transit_days"),
        ({"promised_date": at("2026-12-02 10:00")}, at("2026-12-01 10:00"), "facts.promised_date"),
    ],
)
def test_bad_facts_name_their_field(bad, now, path):
    with pytest.raises(InvalidInput) as error:
        detect_delay(delivery(**bad), now)
    assert error.value.path == path


def test_the_cutoff_time_of_day_comes_from_ship_by():
    facts = delivery(ship_by=datetime.combine(date(2026, 12, 1), time(11, 0), BERLIN))
    verdict = detect_delay(facts, at("2026-12-02 10:30"))  # before Wednesday's 11:00
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 2)
    verdict = detect_delay(facts, at("2026-12-02 11:30"))
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 3)
    # at the cutoff itself it still ships that day, as routing plans it
    verdict = detect_delay(facts, at("2026-12-02 11:00"))
    assert verdict.reasons[0].params["ship_date"] == date(2026, 12, 2)
