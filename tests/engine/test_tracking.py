"""The tracking rule both the sync service and the addon apply (oms_engine.tracking)."""

from datetime import datetime, timedelta

import pytest

from oms_engine.tracking import PROGRESS, STATUSES, TROUBLE, scan_moves_parcel

T0 = datetime(2026, 11, 26, 10, 0)
LATER = T0 + timedelta(hours=2)


def test_the_first_scan_always_sets_a_status_unless_it_is_unknown():
    for status in STATUSES - {"unknown"}:
        assert scan_moves_parcel(None, status)
    assert not scan_moves_parcel(None, "unknown")
    assert not scan_moves_parcel("in_transit", "unknown", T0, LATER)
    assert not scan_moves_parcel("in_transit", "teleported", T0, LATER)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("out_for_delivery", "in_transit"),
        ("in_transit", "pre_transit"),
        ("available_for_pickup", "out_for_delivery"),
        ("delivered", "out_for_delivery"),
        ("delivered", "exception"),
        ("return_to_sender", "delivered"),
    ],
)
def test_a_late_scan_never_moves_a_parcel_back(current, new):
    # Even when the late scan claims a later time: the journey's order decides.
    assert not scan_moves_parcel(current, new, T0, LATER)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("failure", "delivered"),  # a failed attempt, then delivered the next day
        ("failure", "out_for_delivery"),  # the second attempt
        ("exception", "in_transit"),  # held at customs, then released
        ("exception", "available_for_pickup"),
        ("available_for_pickup", "delivered"),  # collected at the parcel shop
        ("delivered", "return_to_sender"),
    ],
)
def test_a_parcel_in_trouble_moves_on_when_the_carrier_recovers_it(current, new):
    assert scan_moves_parcel(current, new, T0, LATER)


def test_trouble_is_news_at_any_stage_but_not_when_older():
    for stage in PROGRESS.keys() - {"delivered", "return_to_sender"}:
        for trouble in TROUBLE:
            assert scan_moves_parcel(stage, trouble, T0, LATER)
            assert not scan_moves_parcel(stage, trouble, LATER, T0)
    # A recovery scan taken before the trouble is a late scan, not a recovery ...
    assert not scan_moves_parcel("exception", "in_transit", LATER, T0)
    # ... but an outcome always wins over trouble.
    assert scan_moves_parcel("exception", "delivered", LATER, T0)


def test_scans_of_the_same_stage_move_only_forward_in_time():
    assert scan_moves_parcel("in_transit", "in_transit", T0, LATER)
    assert not scan_moves_parcel("in_transit", "in_transit", LATER, T0)
    # Without times (the sync service's pre-check) the arriving scan is taken as newer.
    assert scan_moves_parcel("in_transit", "in_transit")
    assert scan_moves_parcel("out_for_delivery", "failure")
