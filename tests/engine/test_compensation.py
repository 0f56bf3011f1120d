"""Compensation policy (oms_engine.compensation): rules, caps, and the properties issue 14 names:
caps hold, once per order, monotonic in delay, nothing when the customer caused the delay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.compensation import (
    CompensationOrder,
    CompensationPolicy,
    Delay,
    Grant,
    VoucherTier,
    check_compensation_policy,
    compensate,
)
from oms_engine.errors import InvalidInput

TODAY = date(2026, 12, 10)
D = Decimal

POLICY = CompensationPolicy(
    currency="EUR",
    voucher_tiers=(VoucherTier(2, amount=D("5")), VoucherTier(5, amount=D("15"))),
    order_cap=D("20"),
    customer_cap=D("50"),
    customer_period_days=365,
)
EXPRESS = CompensationOrder("SO1", "C1", "EUR", D("120.00"), "express", D("9.90"))
STANDARD = CompensationOrder("SO2", "C1", "EUR", D("80.00"))


def kinds(decision):
    return [(a.kind, a.amount) for a in decision.actions]


def test_a_missed_express_promise_refunds_the_express_fee():
    decision = compensate(POLICY, EXPRESS, Delay(1, "carrier"), TODAY)
    assert kinds(decision) == [("express_fee_refund", D("9.90"))]
    assert decision.total == D("9.90")
    assert decision.actions[0].reason.text == (
        "The express delivery arrived 1 day late: the express fee of EUR 9.90 is refunded."
    )


def test_a_voucher_from_the_highest_tier_the_delay_passes():
    assert kinds(compensate(POLICY, STANDARD, Delay(2, "node"), TODAY)) == []
    assert compensate(POLICY, STANDARD, Delay(2, "node"), TODAY).reasons[0].code == (
        "below_thresholds"
    )
    assert kinds(compensate(POLICY, STANDARD, Delay(3, "node"), TODAY)) == [("voucher", D("5"))]
    assert kinds(compensate(POLICY, STANDARD, Delay(6, "node"), TODAY)) == [("voucher", D("15"))]


def test_a_percentage_voucher_is_taken_of_the_order_value_rounded_down():
    policy = replace(POLICY, voucher_tiers=(VoucherTier(1, percent=D("10")),))
    order = replace(STANDARD, order_value=D("79.99"))
    decision = compensate(policy, order, Delay(2, "unknown"), TODAY)
    assert kinds(decision) == [("voucher", D("7.99"))]
    assert "10% of the order's EUR 79.99, EUR 7.99" in decision.actions[0].reason.text


def test_the_order_cap_cuts_the_voucher_after_the_express_refund():
    decision = compensate(POLICY, EXPRESS, Delay(6, "carrier"), TODAY)
    assert kinds(decision) == [("express_fee_refund", D("9.90")), ("voucher", D("10.10"))]
    assert decision.actions[1].capped_from == D("15")
    assert decision.reasons[0].code == "order_cap"
    assert (
        decision.reasons[0].text
        == "The voucher is cut to EUR 10.10 by the cap of EUR 20.00 per order."
    )


def test_the_customer_cap_counts_grants_within_the_period_only():
    history = (
        Grant("OLD", "voucher", D("45"), TODAY - timedelta(days=30)),
        Grant("OLDER", "voucher", D("100"), TODAY - timedelta(days=400)),
    )
    decision = compensate(POLICY, STANDARD, Delay(6, "node"), TODAY, history)
    assert kinds(decision) == [("voucher", D("5"))]
    assert decision.reasons[0].code == "customer_cap"
    full = (*history, Grant("OLD2", "voucher", D("5"), TODAY - timedelta(days=1)))
    decision = compensate(POLICY, STANDARD, Delay(6, "node"), TODAY, full)
    assert kinds(decision) == []
    assert decision.reasons[0].text == (
        "No voucher: the cap of EUR 50.00 per customer in 365 days is reached."
    )


def test_each_kind_is_granted_once_per_order():
    first = compensate(POLICY, EXPRESS, Delay(1, "carrier"), TODAY)
    history = tuple(Grant("SO1", a.kind, a.amount, TODAY) for a in first.actions)
    again = compensate(POLICY, EXPRESS, Delay(1, "carrier"), TODAY, history)
    assert kinds(again) == []
    assert [r.code for r in again.reasons] == ["already_granted"]
    # the delay grew past a voucher tier: the voucher is new, the fee is not refunded twice
    later = compensate(POLICY, EXPRESS, Delay(6, "carrier"), TODAY, history)
    assert kinds(later) == [("voucher", D("10.10"))]


def test_nothing_for_a_delay_the_customer_caused_or_for_no_delay():
    decision = compensate(POLICY, EXPRESS, Delay(9, "customer"), TODAY)
    assert (kinds(decision), decision.reasons[0].code) == ([], "customer_caused")
    decision = compensate(POLICY, EXPRESS, Delay(0, "carrier"), TODAY)
    assert (kinds(decision), decision.reasons[0].code) == ([], "not_late")


@pytest.mark.parametrize(
    ("bad", "path", "words"),
    [
        (replace(POLICY, voucher_tiers=(VoucherTier(2),)), "voucher_tiers[0]", "either"),
        (
            replace(POLICY, voucher_tiers=(VoucherTier(5, D(10)), VoucherTier(2, D(20)))),
            "voucher_tiers[1].after_days",
            "growing delay",
        ),
        (
            replace(POLICY, voucher_tiers=(VoucherTier(2, D(10)), VoucherTier(5, D(5)))),
            "voucher_tiers[1]",
            "smaller voucher",
        ),
        (
            replace(POLICY, voucher_tiers=(VoucherTier(2, D(10)), VoucherTier(5, percent=D(5)))),
            "voucher_tiers[1]",
            "all percentages",
        ),
        (
            replace(POLICY, voucher_tiers=(VoucherTier(2, percent=D(150)),)),
            "voucher_tiers[0].percent",
            "100",
        ),
        (replace(POLICY, order_cap=D(-1)), "order_cap", "negative"),
        (replace(POLICY, customer_period_days=0), "customer_period_days", "at least 1"),
        (replace(POLICY, currency="€"), "currency", "three-letter"),
    ],
)
def test_a_bad_policy_is_refused_with_its_path(bad, path, words):
    with pytest.raises(InvalidInput) as error:
        check_compensation_policy(bad)
    assert (error.value.path, words in error.value.message) == (path, True)


def test_bad_cases_are_refused():
    with pytest.raises(InvalidInput, match=r"order\.currency"):
        compensate(POLICY, replace(EXPRESS, currency="USD"), Delay(1), TODAY)
    with pytest.raises(InvalidInput, match=r"delay\.cause"):
        compensate(POLICY, EXPRESS, Delay(1, "weather"), TODAY)
    with pytest.raises(InvalidInput, match="history"):
        compensate(POLICY, EXPRESS, Delay(1), TODAY, (Grant("X", "cash", D(1), TODAY),))


def test_odoo_floats_give_the_same_decision_as_decimals():
    floats = replace(
        POLICY,
        order_cap=20.0,
        customer_cap=50.0,
        voucher_tiers=(VoucherTier(2, amount=5.0), VoucherTier(5, amount=15.0)),
    )
    order = replace(EXPRESS, order_value=120.0, express_fee=9.9)
    day = TODAY - timedelta(days=3)
    history = (Grant("OLD", "voucher", 44.5, day), Grant("SO1", "voucher", 2.0, day))
    decided = compensate(floats, order, Delay(6, "carrier"), TODAY, history)
    as_decimals = tuple(replace(g, amount=D(repr(g.amount))) for g in history)
    expected = compensate(POLICY, EXPRESS, Delay(6, "carrier"), TODAY, as_decimals)
    # 50 per customer less 46.50 given: 3.50 of the fee back; the voucher was given already
    assert kinds(decided) == kinds(expected) == [("express_fee_refund", D("3.50"))]


# --------------------------------------------------------------------------- properties

amounts = st.decimals(min_value=0, max_value=300, places=2)
causes = st.sampled_from(("node", "carrier", "unknown", "customer"))


@st.composite
def policies(draw):
    percent = draw(st.booleans())
    days = sorted(draw(st.sets(st.integers(0, 10), max_size=3)))
    values = sorted(draw(st.lists(st.integers(1, 40), min_size=len(days), max_size=len(days))))
    tiers = tuple(
        VoucherTier(d, percent=D(v)) if percent else VoucherTier(d, amount=D(v))
        for d, v in zip(days, values, strict=True)
    )
    cap = st.one_of(st.none(), amounts)
    return CompensationPolicy(
        "EUR",
        refund_express_fee=draw(st.booleans()),
        voucher_tiers=tiers,
        order_cap=draw(cap),
        customer_cap=draw(cap),
        customer_period_days=draw(st.integers(1, 400)),
    )


orders = st.builds(
    CompensationOrder,
    order_id=st.sampled_from(("SO1", "SO2")),
    customer_id=st.just("C1"),
    currency=st.just("EUR"),
    order_value=amounts,
    service_level=st.sampled_from(("standard", "express")),
    express_fee=st.decimals(0, 30, places=2),
)
histories = st.lists(
    st.builds(
        Grant,
        order_id=st.sampled_from(("SO1", "SO2", "SO3")),
        kind=st.sampled_from(("express_fee_refund", "voucher")),
        amount=st.decimals(0, 40, places=2),
        granted_on=st.dates(TODAY - timedelta(days=500), TODAY),
    ),
    max_size=4,
).map(tuple)


@settings(max_examples=300, deadline=None)
@given(policies(), orders, st.integers(-2, 15), causes, histories)
def test_caps_hold(policy, order, days, cause, history):
    decision = compensate(policy, order, Delay(days, cause), TODAY, history)
    assert decision.total == sum(a.amount for a in decision.actions)
    assert all(a.amount > 0 for a in decision.actions)
    own = sum(g.amount for g in history if g.order_id == order.order_id)
    if policy.order_cap is not None and decision.actions:
        assert own + decision.total <= policy.order_cap
    start = TODAY - timedelta(days=policy.customer_period_days)
    recent = sum(g.amount for g in history if g.granted_on > start)
    if policy.customer_cap is not None and decision.actions:
        assert recent + decision.total <= policy.customer_cap
    # an express refund never gives back more than the fee paid
    for action in decision.actions:
        if action.kind == "express_fee_refund":
            assert action.amount <= order.express_fee


@settings(max_examples=300, deadline=None)
@given(policies(), orders, st.integers(1, 15), causes, histories)
def test_once_per_order(policy, order, days, cause, history):
    first = compensate(policy, order, Delay(days, cause), TODAY, history)
    given_now = tuple(Grant(order.order_id, a.kind, a.amount, TODAY) for a in first.actions)
    kinds_before = {g.kind for g in history if g.order_id == order.order_id}
    assert not kinds_before & {a.kind for a in first.actions}
    again = compensate(policy, order, Delay(days, cause), TODAY, history + given_now)
    assert again.actions == ()


@settings(max_examples=300, deadline=None)
@given(policies(), orders, st.integers(-2, 15), st.integers(0, 10), causes, histories)
def test_monotonic_in_delay(policy, order, days, more, cause, history):
    shorter = compensate(policy, order, Delay(days, cause), TODAY, history)
    longer = compensate(policy, order, Delay(days + more, cause), TODAY, history)
    assert longer.total >= shorter.total
    by_kind = {a.kind: a.amount for a in longer.actions}
    for action in shorter.actions:  # and no single action shrinks
        assert by_kind.get(action.kind, D(0)) >= action.amount


@settings(max_examples=200, deadline=None)
@given(policies(), orders, st.integers(-2, 30), histories)
def test_zero_when_the_customer_caused_it(policy, order, days, history):
    decision = compensate(policy, order, Delay(days, "customer"), TODAY, history)
    assert decision.actions == () and decision.total == 0
