"""Disposition after inspection (oms_engine.disposition): grade -> outcome, every value shown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.disposition import (
    DISPOSITIONS,
    DispositionTerms,
    InspectedItem,
    decide_disposition,
)
from oms_engine.errors import InvalidInput
from oms_engine.returns_model import Outlook, ReturnPolicy

D = Decimal
POLICY = ReturnPolicy("EUR")
SELLS = Outlook(daily_sales=1.0, on_hand=3)  # everything sells within the horizon
TERMS = DispositionTerms(
    vendor_credit=D("30"),
    vendor_grades=frozenset({"defective", "damaged"}),
    vendor_return_cost=D("6"),
    refurbish_cost=D("12"),
    refurbished_share=D("0.7"),
    restock_cost=D("1"),
    scrap_value=D("2"),
    scrap_cost=D("3"),
)


def decide(grade, terms=TERMS, outlook=SELLS, quantity=1, value="60"):
    return decide_disposition(
        POLICY, InspectedItem("LAMP", quantity, grade, D(value)), terms, outlook
    )


def values(decision):
    return {o.outcome: (o.allowed, o.value) for o in decision.options}


def test_each_grade_gets_its_best_allowed_outcome_with_every_value_listed():
    as_new = decide("as_new")
    assert (as_new.outcome, as_new.value, as_new.runner_up) == ("resell", D("59.00"), "scrap")
    assert values(as_new) == {
        "resell": (True, D("59.00")),
        "refurbish": (False, D(0)),
        "return_to_vendor": (False, D(0)),
        "scrap": (True, D("-1.00")),
    }
    opened = decide("opened")  # 48 - 1 against 42 - 13
    assert (opened.outcome, opened.value, opened.runner_up) == ("resell", D("47.00"), "refurbish")
    damaged = decide("damaged")  # resell 24 - 1, refurbish 42 - 13, vendor 30 - 6
    assert (damaged.outcome, damaged.value, damaged.runner_up) == (
        "refurbish",
        D("29.00"),
        "return_to_vendor",
    )
    defective = decide("defective")
    assert (defective.outcome, defective.value) == ("refurbish", D("29.00"))
    assert values(defective)["resell"] == (False, D(0))
    assert defective.options[0].reason.code == "resell_not_allowed"


def test_without_refurbishing_a_defective_item_goes_back_to_the_supplier_or_is_scrapped():
    no_repair = replace(TERMS, refurbish_cost=None)
    assert decide("defective", no_repair).outcome == "return_to_vendor"
    assert decide("defective", replace(no_repair, vendor_credit=None)).outcome == "scrap"
    # the supplier does not take back opened goods
    assert values(decide("opened", no_repair))["return_to_vendor"][0] is False


def test_an_overstocked_node_makes_reselling_worth_less():
    overstocked = Outlook(daily_sales=0.01, on_hand=50)
    decision = decide(
        "opened", outlook=overstocked, terms=replace(TERMS, vendor_grades=frozenset({"opened"}))
    )
    assert values(decision)["resell"] == (True, D("23.00"))  # half of 48, less restocking
    assert decision.outcome == "return_to_vendor"  # 30 - 6 = 24 beats 23
    assert "would not sell within 30 days there (stock covers 5000 days)" in (
        decision.options[0].reason.text
    )


def test_the_summary_names_the_outcome_and_the_runner_up():
    decision = decide("damaged", quantity=2)
    assert decision.value == D("58.00")
    assert decision.summary.text == (
        "2 x LAMP (damaged): refurbish, recovering EUR 58.00. "
        "To return to the supplier would recover EUR 10.00 less."
    )
    assert decision.summary.code == "disposition_refurbish"


def test_ties_keep_the_goods_in_use():
    # opened: resold 48 - 1, refurbished to 80% for nothing 48 - 1: resold as it is
    free_repair = replace(TERMS, refurbish_cost=D(0), refurbished_share=D("0.8"))
    decision = decide("opened", free_repair)
    assert (decision.outcome, decision.runner_up, decision.value) == ("resell", "refurbish", D(47))
    terms = DispositionTerms(
        vendor_credit=D("59"), vendor_grades=frozenset({"as_new"}), restock_cost=D(1)
    )
    decision = decide("as_new", terms)
    assert (decision.outcome, decision.runner_up) == ("resell", "return_to_vendor")
    assert decision.summary.text.endswith("(equal value: the goods stay in use first).")


@pytest.mark.parametrize(
    ("terms", "path"),
    [
        (replace(TERMS, refurbished_share=D(2)), "terms.refurbished_share"),
        (replace(TERMS, vendor_credit=D(-1)), "terms.vendor_credit"),
        (replace(TERMS, vendor_grades=frozenset({"broken"})), "terms.vendor_grades[0]"),
    ],
)
def test_bad_terms_name_their_setting(terms, path):
    with pytest.raises(InvalidInput) as error:
        decide("opened", terms)
    assert error.value.path == path


def test_a_bad_grade_is_refused():
    with pytest.raises(InvalidInput, match=r"item\.grade"):
        decide("shiny")


@settings(max_examples=300, deadline=None)
@given(
    grade=st.sampled_from(("as_new", "opened", "damaged", "defective")),
    credit=st.one_of(st.none(), st.decimals(0, 80, places=2)),
    repair=st.one_of(st.none(), st.decimals(0, 40, places=2)),
    scrap=st.decimals(0, 5, places=2),
    sales=st.floats(0, 2),
    stock=st.integers(0, 80),
    quantity=st.integers(1, 4),
)
def test_the_outcome_is_the_best_allowed_one(grade, credit, repair, scrap, sales, stock, quantity):
    terms = replace(TERMS, vendor_credit=credit, refurbish_cost=repair, scrap_cost=scrap)
    decision = decide(grade, terms, Outlook(sales, stock), quantity)
    allowed = [o for o in decision.options if o.allowed]
    assert decision.value == max(o.value for o in allowed)
    assert decision.outcome == next(o.outcome for o in allowed if o.value == decision.value)
    assert [o.outcome for o in decision.options] == list(DISPOSITIONS)
    assert any(o.outcome == "scrap" and o.allowed for o in decision.options)
