"""Risk scoring (oms_engine.risk): each rule, the outcome bands, policy checks, the service."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.errors import InvalidInput
from oms_engine.risk import (
    RULE_TYPES,
    Address,
    AddressMismatchRule,
    BlockListRule,
    ExternalRiskScore,
    ExternalScoreRule,
    FirstOrderRule,
    LargeQuantityRule,
    OrderValueRule,
    RiskFacts,
    RiskLine,
    RiskPolicy,
    ShopVerdictRule,
    VelocityRule,
    assess,
    check_risk_policy,
    lookback,
    with_external_score,
)

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
BERLIN = Address("DE", "10115", "Berlin", "Invalidenstr. 1")
HAMBURG = Address("DE", "20095", "Hamburg", "Mönckebergstr. 7")


def facts(**kw) -> RiskFacts:
    """A returning customer's small order with nothing suspicious about it."""
    base = {
        "order_id": "SO1",
        "order_time": T0,
        "currency": "EUR",
        "order_value": Decimal("49.90"),
        "lines": (RiskLine("TSHIRT", 1, history_orders=40, history_mean_quantity=1.2),),
        "email": "jo@example.com",
        "billing": BERLIN,
        "shipping": BERLIN,
        "previous_orders": 3,
    }
    base.update(kw)
    return RiskFacts(**base)


def policy(*rules, review_at=60, prepay_at=30) -> RiskPolicy:
    return RiskPolicy("EUR", rules, review_at=review_at, prepay_at=prepay_at)


def fired(rule, **kw):
    """The reasons one rule gives on facts(**kw)."""
    return assess(policy(rule), facts(**kw)).reasons


def test_a_clean_order_passes_with_a_sentence_and_no_reasons():
    result = assess(
        policy(
            *[
                cls(10) if cls is not OrderValueRule else cls(10, Decimal(500))
                for cls in RULE_TYPES.values()
            ]
        ),
        facts(),
    )
    assert (result.score, result.outcome, result.reasons) == (0, "pass", ())
    assert result.summary.code == "risk_pass"
    assert "goes ahead" in result.summary.text


def test_large_quantity_is_judged_against_the_products_own_history():
    rule = LargeQuantityRule(25, factor=3.0, min_quantity=2, min_history=5)
    usual = RiskLine("TSHIRT", 3, history_orders=40, history_mean_quantity=1.2)
    assert fired(rule, lines=(replace(usual, quantity=4),))[0].points == 25  # 4 >= 3 x 1.2
    assert not fired(rule, lines=(usual,))  # 3 < 3.6
    # a product usually bought by the dozen: 12 is normal for it
    assert not fired(rule, lines=(RiskLine("SOCKS", 12, 50, 10.0),))
    # too little history to judge
    assert not fired(rule, lines=(replace(usual, quantity=50, history_orders=4),))
    # a single unit is never unusual, whatever the history says
    assert not fired(rule, lines=(RiskLine("TV", 1, 50, 0.1),))
    (reason,) = fired(rule, lines=(RiskLine("TV", 6, 50, 1.0, name="OLED TV"),))
    assert reason.rule == "large_quantity"
    assert "6 x OLED TV" in reason.text and "usually 1 per order" in reason.text


def test_order_value_threshold_is_inclusive_and_currency_checked():
    rule = OrderValueRule(20, Decimal("800"))
    assert fired(rule, order_value=Decimal("800"))[0].text == (
        "The order is worth EUR 800.00, at or above EUR 800.00."
    )
    assert not fired(rule, order_value=Decimal("799.99"))
    with pytest.raises(InvalidInput, match="in USD but the policy's amounts are in EUR"):
        assess(policy(rule), facts(currency="USD"))


def test_first_order():
    assert fired(FirstOrderRule(15), previous_orders=0)[0].text == (
        "This is the customer's first order."
    )
    assert not fired(FirstOrderRule(15), previous_orders=1)


def test_address_mismatch_levels_ignore_case_and_punctuation():
    berlin_shouting = Address("de", "10 115", "BERLIN", "INVALIDENSTR 1")
    other_street = replace(BERLIN, street="Chausseestr. 9")
    paris = Address("FR", "75001", "Paris", "Rue de Rivoli 1")
    for level in ("country", "postal_code", "street"):
        assert not fired(AddressMismatchRule(10, level), shipping=berlin_shouting)
    assert fired(AddressMismatchRule(10, "street"), shipping=other_street)
    assert not fired(AddressMismatchRule(10, "postal_code"), shipping=other_street)
    assert fired(AddressMismatchRule(10, "postal_code"), shipping=HAMBURG)
    assert not fired(AddressMismatchRule(10, "country"), shipping=HAMBURG)
    (reason,) = fired(AddressMismatchRule(10, "country"), shipping=paris)
    assert reason.text == "The billing country (DE) differs from the shipping country (FR)."
    # no billing address given: nothing to compare
    assert not fired(AddressMismatchRule(10, "street"), billing=None, shipping=paris)


def test_block_list_matches_emails_domains_and_addresses_normalised():
    rule = BlockListRule(
        50,
        emails=frozenset({" Fraud@Example.com "}),
        email_domains=frozenset({"@Throwaway.test"}),
        addresses=frozenset({Address("DE", "20095", "", "Mönckebergstr 7")}),
    )
    (reason,) = fired(rule, email="fraud+shop2@example.COM")
    assert reason.params["matches"] == ("email",)
    assert "fraud+shop2@example.COM" in reason.text and reason.text.endswith("is blocked.")
    assert fired(rule, email="anyone@throwaway.test")[0].params["matches"] == ("email_domain",)
    (reason,) = fired(rule, shipping=HAMBURG, email="fraud@example.com")
    assert reason.params["matches"] == ("email", "shipping_address")
    assert reason.text.endswith("are blocked.")
    assert not fired(rule, email="jo@example.com")
    strict = replace(rule, ignore_plus_tags=False)
    assert not fired(strict, email="fraud+shop2@example.com")


def test_velocity_counts_this_order_and_the_others_within_the_window():
    rule = VelocityRule(40, max_orders=3, window=timedelta(hours=24))
    near = tuple(T0 - timedelta(hours=h) for h in (1, 5, 23))
    assert not fired(rule, customer_order_times=near[:2])  # 3 orders: allowed
    (reason,) = fired(rule, customer_order_times=near)
    assert reason.text == "The customer placed 4 orders within 24 hours (more than 3)."
    assert not fired(rule, customer_order_times=(*near[:2], T0 - timedelta(hours=25)))
    # orders arriving in one batch: a later order counts as well
    assert fired(rule, customer_order_times=(*near[:2], T0 + timedelta(minutes=3)))
    by_address = replace(rule, per="address")
    assert not fired(by_address, customer_order_times=near)
    assert "same shipping address" in fired(by_address, address_order_times=near)[0].text
    assert lookback(policy(rule, replace(rule, window=timedelta(days=7)))) == timedelta(days=7)
    assert lookback(policy(FirstOrderRule(1))) == timedelta(0)


def test_shop_verdict_levels():
    rule = ShopVerdictRule(45, medium_weight=15)
    assert fired(rule, shop_risk="high")[0].points == 45
    assert fired(rule, shop_risk="medium")[0].points == 15
    assert not fired(rule, shop_risk="low")
    assert not fired(ShopVerdictRule(45), shop_risk="medium")


def test_external_score_scales_from_its_threshold_and_an_outage_has_its_own_points():
    rule = ExternalScoreRule(50, threshold=0.5, no_answer_points=10)
    (reason,) = fired(rule, external=ExternalRiskScore("Signifyd", 0.8))
    assert reason.points == 40
    assert reason.text == "The risk service Signifyd scored the order 0.80 (counts from 0.50)."
    assert not fired(rule, external=ExternalRiskScore("Signifyd", 0.49))
    (reason,) = fired(rule, external=ExternalRiskScore("Signifyd", None, "timeout"))
    assert (reason.points, reason.text) == (
        10,
        "The risk service Signifyd gave no score (timeout).",
    )
    assert not fired(replace(rule, no_answer_points=0), external=None)


class FraudServiceDouble:
    """A risk service as the addon would wrap one: answers, fails, or answers nonsense."""

    name = "double"

    def __init__(self, answer):
        self.answer = answer
        self.asked = []

    def score(self, facts):
        self.asked.append(facts.order_id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_the_service_is_asked_by_the_caller_and_its_failures_become_no_answer():
    service = FraudServiceDouble(ExternalRiskScore("double", 0.9, "ip proxy"))
    order = with_external_score(facts(), service)
    assert service.asked == ["SO1"] and order.external.score == 0.9
    rule = ExternalScoreRule(50, no_answer_points=12)
    assert assess(policy(rule), order).score == 45
    down = with_external_score(facts(), FraudServiceDouble(TimeoutError("read timed out")))
    assert down.external == ExternalRiskScore("double", None, "TimeoutError")
    assert assess(policy(rule), down).score == 12
    for nonsense in (ExternalRiskScore("double", 7.5), ExternalRiskScore("double", True), None):
        answer = with_external_score(facts(), FraudServiceDouble(nonsense)).external
        assert answer.score is None and answer.detail


def test_outcome_bands_and_already_paid_orders():
    rules = (FirstOrderRule(35), ShopVerdictRule(40))
    assert assess(policy(*rules), facts(previous_orders=0)).outcome == "prepay"
    paid = assess(policy(*rules), facts(previous_orders=0, paid=True))
    assert (paid.outcome, paid.summary.code) == ("pass", "risk_prepay_already_paid")
    both = assess(policy(*rules), facts(previous_orders=0, shop_risk="high"))
    assert (both.score, both.outcome, both.summary.code) == (75, "review", "risk_review")
    assert assess(policy(*rules, review_at=None), facts(shop_risk="high")).outcome == "prepay"
    assert assess(policy(*rules, prepay_at=None), facts(previous_orders=0)).outcome == "pass"
    low = assess(policy(FirstOrderRule(5)), facts(previous_orders=0))
    assert (low.outcome, low.summary.text) == (
        "pass",
        "Risk score 5, below the threshold 30: the order goes ahead.",
    )


def test_reasons_are_ordered_by_points_then_by_the_policys_rule_order():
    rules = (
        FirstOrderRule(10, ref="r1"),
        ShopVerdictRule(30, ref="r2"),
        AddressMismatchRule(10, ref="r3"),
    )
    result = assess(policy(*rules), facts(previous_orders=0, shop_risk="high", shipping=HAMBURG))
    assert [(r.rule, r.ref) for r in result.reasons] == [
        ("shop_verdict", "r2"),
        ("first_order", "r1"),
        ("address_mismatch", "r3"),
    ]


@pytest.mark.parametrize(
    ("bad_policy", "path", "words"),
    [
        (policy(LargeQuantityRule(10, factor=1.0)), "rules[0].factor", "above 1"),
        (policy(LargeQuantityRule(10, min_history=0)), "rules[0].min_history", "at least 1"),
        (policy(FirstOrderRule(-5)), "rules[0].weight", "at least 0"),
        (policy(OrderValueRule(10, Decimal(0))), "rules[0].threshold", "above zero"),
        (policy(OrderValueRule(10, float("nan"))), "rules[0].threshold", "finite"),
        (policy(AddressMismatchRule(10, "planet")), "rules[0].level", "country, postal_code"),
        (policy(BlockListRule(10, emails=frozenset({"nobody"}))), "rules[0].emails[0]", "e-mail"),
        (
            policy(BlockListRule(10, addresses=frozenset({Address("DE")}))),
            "rules[0].addresses[0]",
            "street",
        ),
        (policy(VelocityRule(10, window=timedelta(0))), "rules[0].window", "one minute"),
        (policy(VelocityRule(10, max_orders=0)), "rules[0].max_orders", "at least 1"),
        (policy(ShopVerdictRule(10, medium_weight=20)), "rules[0].medium_weight", "high risk"),
        (policy(ExternalScoreRule(10, threshold=50)), "rules[0].threshold", "between 0 and 1"),
        (policy(FirstOrderRule(1), review_at=30, prepay_at=30), "prepay_at", "below the review"),
        (policy(FirstOrderRule(1), review_at=0), "review_at", "above 0"),
        (RiskPolicy("euro", ()), "currency", "three-letter"),
        (RiskPolicy("EUR", ("first_order",)), "rules[0]", "unknown rule type"),
    ],
)
def test_a_bad_setting_is_refused_with_its_path_and_a_reason(bad_policy, path, words):
    with pytest.raises(InvalidInput) as error:
        check_risk_policy(bad_policy)
    assert error.value.path == path
    assert words in error.value.message
    with pytest.raises(InvalidInput):
        assess(bad_policy, facts())


def test_a_policy_is_checked_once_and_a_bad_one_every_time(monkeypatch):
    import oms_engine.risk as risk_module

    calls = []

    def counting(checked_policy):
        calls.append(checked_policy)
        check_risk_policy(checked_policy)

    risk_module._checked_once.cache_clear()
    monkeypatch.setattr(risk_module, "check_risk_policy", counting)
    good = policy(FirstOrderRule(10))
    for _ in range(3):
        assess(good, facts())
    assert len(calls) == 1
    unhashable = RiskPolicy("EUR", [FirstOrderRule(10)])
    bad = policy(FirstOrderRule(-1))
    for _ in range(2):
        with pytest.raises(InvalidInput, match="must be a tuple"):
            assess(unhashable, facts())
        with pytest.raises(InvalidInput, match="weight"):
            assess(bad, facts())
    assert len(calls) == 5


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        ({"order_time": datetime(2026, 12, 1, 10)}, "facts.order_time"),
        ({"order_value": Decimal(-1)}, "facts.order_value"),
        ({"lines": (RiskLine("A", 0),)}, "facts.lines[0].quantity"),
        ({"shop_risk": "HIGH"}, "facts.shop_risk"),
        ({"external": ExternalRiskScore("x", 1.5)}, "facts.external.score"),
        ({"customer_order_times": (datetime(2026, 1, 1),)}, "facts.customer_order_times[0]"),
    ],
)
def test_bad_facts_are_refused_with_their_path(bad, path):
    with pytest.raises(InvalidInput) as error:
        assess(policy(FirstOrderRule(1)), facts(**bad))
    assert error.value.path == path


def test_rule_types_map_codes_to_classes():
    assert {
        cls(1, Decimal(1)).code if cls is OrderValueRule else cls(1).code: cls
        for cls in RULE_TYPES.values()
    } == RULE_TYPES
    assert len(RULE_TYPES) == 8


_SIGNALS = st.fixed_dictionaries(
    {
        "previous_orders": st.integers(0, 3),
        "shop_risk": st.sampled_from((None, "low", "medium", "high")),
        "order_value": st.decimals(0, 3000, places=2),
        "shipping": st.sampled_from((BERLIN, HAMBURG)),
        "external": st.one_of(
            st.none(), st.builds(ExternalRiskScore, st.just("x"), st.floats(0, 1))
        ),
    }
)
_POLICY = (
    FirstOrderRule(15),
    ShopVerdictRule(40, medium_weight=10),
    OrderValueRule(20, Decimal(800)),
    AddressMismatchRule(10),
    ExternalScoreRule(30, threshold=0.3, no_answer_points=5),
)


@settings(max_examples=200, deadline=None)
@given(signals=_SIGNALS, review_at=st.floats(40, 90), prepay_at=st.floats(1, 39))
def test_score_is_the_sum_of_reasons_and_outcome_follows_the_bands(signals, review_at, prepay_at):
    result = assess(policy(*_POLICY, review_at=review_at, prepay_at=prepay_at), facts(**signals))
    assert result.score == pytest.approx(sum(r.points for r in result.reasons))
    assert all(r.points > 0 for r in result.reasons)
    points = [r.points for r in result.reasons]
    assert points == sorted(points, reverse=True)
    expected = (
        "review" if result.score >= review_at else "prepay" if result.score >= prepay_at else "pass"
    )
    assert result.outcome == expected
    # adding one more fired rule never makes the outcome milder
    worse = assess(
        policy(*_POLICY, FirstOrderRule(25), review_at=review_at, prepay_at=prepay_at),
        facts(**{**signals, "previous_orders": 0}),
    )
    order = ("pass", "prepay", "review")
    assert order.index(worse.outcome) >= order.index(result.outcome)
