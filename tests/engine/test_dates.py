"""Ship and delivery dates: node cutoff and handling, working days, public holidays, carrier
cutoff and transit on carrier working days, time zones, zones by longest postal prefix."""

from __future__ import annotations

from datetime import date, time

import pytest
from engine_builders import dc, network, order, parcel, stock, store

from oms_engine import Calendar, Destination, Zone, promise, route

ROWS = (("DC-BER", "SHIRT", 50),)


def dates(plan):
    return [(s.ship_date, s.promised_date) for s in plan.shipments]


@pytest.mark.parametrize(
    ("when", "ship", "arrive"),
    [
        ("2026-11-26 10:00", date(2026, 11, 26), date(2026, 11, 27)),  # Thursday, before cutoff
        ("2026-11-26 16:00", date(2026, 11, 26), date(2026, 11, 27)),  # at the cutoff minute
        ("2026-11-26 16:01", date(2026, 11, 27), date(2026, 11, 30)),  # after: Friday, Monday
        ("2026-11-27 17:00", date(2026, 11, 30), date(2026, 12, 1)),  # Friday late: Monday
        ("2026-11-28 09:00", date(2026, 11, 30), date(2026, 12, 1)),  # Saturday: Monday
    ],
)
def test_node_cutoff_and_weekends(when, ship, arrive):
    plan = route(network([dc("DC-BER")]), order([("SHIRT", 1)], when=when), stock(*ROWS))
    assert dates(plan) == [(ship, arrive)]


def test_public_holiday_moves_the_ship_date():
    net = network([dc("DC-BER")])
    # An ordinary Thursday evening ships Friday...
    before = route(net, order([("SHIRT", 1)], when="2026-12-17 17:00"), stock(*ROWS))
    assert dates(before) == [(date(2026, 12, 18), date(2026, 12, 21))]
    # ...but on Christmas Eve, Friday 25 and Saturday 26 are German holidays: Monday.
    xmas = route(net, order([("SHIRT", 1)], when="2026-12-24 17:00"), stock(*ROWS))
    assert dates(xmas) == [(date(2026, 12, 28), date(2026, 12, 29))]


def test_regional_holiday_follows_the_subdivision():
    # Epiphany (6 Jan 2027, a Wednesday) is a holiday in Bavaria, not in Berlin.
    bavaria = dc("DC-MUC", calendar=Calendar(country="DE", subdivision="BY"))
    berlin = dc("DC-BER", calendar=Calendar(country="DE", subdivision="BE"))
    svc = [parcel(calendar=Calendar(country="DE", subdivision="BE"))]
    when = "2027-01-05 17:00"
    muc = route(
        network([bavaria], svc), order([("SHIRT", 1)], when=when), stock(("DC-MUC", "SHIRT", 1))
    )
    ber = route(
        network([berlin], svc), order([("SHIRT", 1)], when=when), stock(("DC-BER", "SHIRT", 1))
    )
    assert muc.shipments[0].ship_date == date(2027, 1, 7)
    assert ber.shipments[0].ship_date == date(2027, 1, 6)


def test_handling_days_count_node_working_days():
    net = network([dc("DC-BER", handling_days=2)])
    plan = route(net, order([("SHIRT", 1)], when="2026-11-26 10:00"), stock(*ROWS))
    assert dates(plan) == [(date(2026, 11, 30), date(2026, 12, 1))]


def test_saturday_store_waits_for_the_carrier_working_day():
    saturday_store = store(
        "ST-HAM", calendar=Calendar(country="DE", working_weekdays=frozenset(range(6)))
    )
    net = network([saturday_store])
    plan = route(net, order([("SHIRT", 1)], when="2026-11-27 17:00"), stock(("ST-HAM", "SHIRT", 2)))
    assert dates(plan) == [(date(2026, 11, 30), date(2026, 12, 1))]


def test_carrier_cutoff_before_the_node_cutoff_delays_collection():
    net = network([dc("DC-BER")], services=[parcel(cutoff=time(12, 0))])
    plan = route(net, order([("SHIRT", 1)], when="2026-11-26 13:00"), stock(*ROWS))
    assert dates(plan) == [(date(2026, 11, 27), date(2026, 11, 30))]


def test_transit_counts_carrier_working_days():
    net = network([dc("DC-BER")], services=[parcel(zones=(Zone("DE", "", 2),))])
    plan = route(net, order([("SHIRT", 1)], when="2026-11-26 10:00"), stock(*ROWS))
    assert dates(plan) == [(date(2026, 11, 26), date(2026, 11, 30))]


def test_cutoff_is_local_time_of_the_node():
    lisbon = dc("DC-LIS", timezone="Europe/Lisbon", country="DE")
    net = network([lisbon])
    # 16:30 in Berlin is 15:30 in Lisbon: still before the 16:00 cutoff there.
    plan = route(net, order([("SHIRT", 1)], when="2026-11-26 16:30"), stock(("DC-LIS", "SHIRT", 1)))
    assert plan.shipments[0].ship_date == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("postal", "days"),
    [("22765", 1), ("22 765", 1), ("20095", 2), ("80469", 3), ("", 3)],
)
def test_zone_longest_postal_prefix_wins(postal, days):
    zones = (Zone("DE", "", 3), Zone("DE", "2", 2), Zone("DE", "22", 1))
    net = network([dc("DC-BER")], services=[parcel(zones=zones)])
    assert net.transit_days("DE", postal) == (days,)


def test_destination_outside_every_zone_has_no_carrier():
    net = network([dc("DC-BER")])
    plan = route(
        net, order([("SHIRT", 1)], destination=Destination("AT", "1010", 48.2, 16.37)), stock(*ROWS)
    )
    assert plan.status == "unfulfilled"
    assert [e.rule for e in plan.explanation.excluded] == ["no_carrier_service"]
    assert [u.reason for u in plan.unfulfilled] == ["no_carrier_service"]


def test_express_orders_use_express_services_only():
    express = parcel("express", service_level="express", cost_per_package=12.0)
    net = network([dc("DC-BER")], services=[parcel(zones=(Zone("DE", "", 2),)), express])
    plan = route(net, order([("SHIRT", 1)], service_level="express"), stock(*ROWS))
    assert [s.carrier_service for s in plan.shipments] == ["express"]
    assert plan.promised_date == date(2026, 11, 27)


def test_zones_with_equal_transit_of_the_level_share_an_option_table():
    """Option tables are keyed by the transit days of the order's service level only: a
    standard order to a zone differing in express transit alone reuses the table (and gets
    the plan it would get from its own), one differing in standard transit does not."""
    standard = parcel(zones=(Zone("DE", "", 2), Zone("DE", "8", 3)))
    express = parcel(
        "express",
        service_level="express",
        cost_per_package=12.0,
        zones=(Zone("DE", "", 1), Zone("DE", "22", 2)),
    )
    net = network([dc("DC-BER")], services=[standard, express])
    munich_far = Destination("DE", "80469", 48.13, 11.57)  # standard 3 days
    bremen = Destination("DE", "28195", 53.08, 8.80)  # standard 2, express 1
    assert net.transit_days("DE", "22765") != net.transit_days("DE", "28195")

    route(net, order([("SHIRT", 1)]), stock(*ROWS), explain=False)  # Hamburg: express 2
    assert len(net.tables) == 1
    shared = route(net, order([("SHIRT", 1)], destination=bremen), stock(*ROWS))
    assert len(net.tables) == 1
    alone = route(
        network([dc("DC-BER")], services=[standard, express]),
        order([("SHIRT", 1)], destination=bremen),
        stock(*ROWS),
    )
    assert shared == alone
    assert shared.promised_date == date(2026, 11, 30)  # Thursday + 2 working days
    route(net, order([("SHIRT", 1)], destination=munich_far), stock(*ROWS), explain=False)
    assert len(net.tables) == 2


def test_lateness_counts_from_the_promised_date():
    net = network([dc("DC-BER")])
    plan = route(net, order([("SHIRT", 1)], promised_date=date(2026, 11, 25)), stock(*ROWS))
    assert plan.score.late_days == 2
    assert plan.score.lateness == 2 * net.policy.weights.lateness
    assert plan.explanation.target_date == date(2026, 11, 25)


def test_promise_is_the_date_routing_keeps():
    net = network([dc("DC-BER"), dc("DC-SLOW", handling_days=3)])
    rows = (("DC-BER", "SHIRT", 1), ("DC-SLOW", "SHIRT", 5), ("DC-SLOW", "BOOTS", 5))
    lines = [("SHIRT", 1), ("BOOTS", 1)]
    answer = promise(net, lines, order(lines).destination, order(lines).order_time, stock(*rows))
    plan = route(net, order(lines), stock(*rows))
    assert answer.delivery_date == plan.promised_date
    assert [s.node for s in answer.shipments] == [s.node for s in plan.shipments]
    assert answer.status == "complete"


def _time_key_from_scratch(net, moment):
    out = []
    for zone, cutoffs in zip(net.tz_zones, net.tz_cutoffs, strict=True):
        local = moment.astimezone(zone)
        out.append((local.toordinal(), sum(c < local.hour * 60 + local.minute for c in cutoffs)))
    return tuple(out)


@pytest.mark.parametrize(
    ("start", "zones"),
    [
        ("2026-03-28 12:00", ("America/New_York", "Australia/Lord_Howe")),
        ("2026-10-24 12:00", ("America/New_York", "Australia/Lord_Howe")),
        ("2026-04-04 00:00", ("America/New_York", "Australia/Lord_Howe")),
        ("2026-03-28 12:00", ()),  # Berlin alone: a span from midnight would cross 02:00
        ("2026-10-24 12:00", ()),
    ],
)
def test_time_key_kept_per_span_is_the_key_of_every_moment(start, zones):
    """time_key keeps the last key for as long as it holds (until a cutoff or a midnight of
    any zone); moments in time order, back and forth, and across daylight-saving changes
    (Berlin, New York, Lord Howe's half hour) all get the key computed from scratch."""
    import random
    from datetime import datetime, timedelta, timezone

    nodes = [dc("DC-BER", cutoff=time(16, 0))]
    nodes += [dc(f"DC-{i}", timezone=zone, cutoff=time(17, 30)) for i, zone in enumerate(zones)]
    net = network(nodes)
    assert len(net.tz_zones) == 1 + len(zones)
    rng = random.Random(start)
    spans = set()
    for jumps in (0.0, 0.1):  # in time order only, then now and then from the past or future
        moment = datetime.fromisoformat(start).replace(tzinfo=timezone.utc)
        for _ in range(3000):
            if rng.random() < jumps:
                seen = moment + timedelta(seconds=rng.randrange(-90_000, 90_000))
            else:
                moment += timedelta(seconds=rng.choice((1, 29, 59, 60, 61, 300, 900)))
                seen = moment
            assert net.time_key(seen) == _time_key_from_scratch(net, seen), seen
            spans.add(net._time_span[:2])
    assert len(spans) > 20  # the spans were used and renewed, not bypassed
