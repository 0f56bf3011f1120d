"""After inspection: a returned item's grade decides resell, refurbish, return to vendor or scrap.

Every outcome the grade and the item's terms allow is valued; the best wins (ties go to the
outcome that keeps the goods in use: resell, refurbish, return to vendor, scrap), and the
decision lists the value of each outcome with the runner-up and why it lost.

- resell (not defective): the grade's share of the new value, at the node's outlook
  (:func:`oms_engine.returns_model.value_at`), less restocking;
- refurbish (not as new, when the item can be): the refurbished share, at the outlook, less
  the refurbishing and restocking;
- return to vendor (grades the vendor takes back): the vendor's credit less the cost of
  sending it;
- scrap (always): salvage less disposal - often below zero, the floor of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.returns_model import (
    GRADE_WORDS,
    GRADES,
    Grade,
    Outlook,
    ReturnPolicy,
    checked_policy,
    grade_share,
    value_at,
    value_words,
)
from oms_engine.wording import ZERO, Reason, cents, check_count, money_text, to_money, to_share

Disposition = Literal["resell", "refurbish", "return_to_vendor", "scrap"]
DISPOSITIONS: tuple[Disposition, ...] = ("resell", "refurbish", "return_to_vendor", "scrap")
_WORDS = {
    "resell": "resell",
    "refurbish": "refurbish",
    "return_to_vendor": "return to the supplier",
    "scrap": "scrap",
}


@dataclass(frozen=True, slots=True)
class DispositionTerms:
    """What can be done with a SKU besides reselling it, per unit, in the policy's currency.

    ``vendor_credit``: what the supplier credits for a unit of a grade in ``vendor_grades``
    (``None``: the supplier takes nothing back); ``vendor_return_cost``: sending it there.
    ``refurbish_cost`` (``None``: cannot be refurbished) brings a unit to
    ``refurbished_share`` of its new value. ``restock_cost``: putting a unit back on the
    shelf. ``scrap_value`` and ``scrap_cost``: salvage and disposal."""

    vendor_credit: Decimal | None = None
    vendor_grades: frozenset[Grade] = frozenset({"defective"})
    vendor_return_cost: Decimal = ZERO
    refurbish_cost: Decimal | None = None
    refurbished_share: Decimal = Decimal("0.7")
    restock_cost: Decimal = ZERO
    scrap_value: Decimal = ZERO
    scrap_cost: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class InspectedItem:
    """Units of one SKU inspected at a node, with the grade the inspector gave them and
    what one unit sells for new (``unit_value``)."""

    sku: str
    quantity: int
    grade: Grade
    unit_value: Decimal
    name: str = ""


@dataclass(frozen=True, slots=True)
class DispositionOption:
    """One outcome: whether the grade and terms allow it, its value for all units, and why."""

    outcome: Disposition
    allowed: bool
    value: Decimal
    reason: Reason


@dataclass(frozen=True, slots=True)
class DispositionDecision:
    """The outcome for inspected units: ``outcome`` and its ``value`` (all units), every
    ``option`` in the order resell, refurbish, return to vendor, scrap, the ``runner_up``
    outcome and a ``summary`` naming both."""

    sku: str
    quantity: int
    grade: Grade
    outcome: Disposition
    value: Decimal
    options: tuple[DispositionOption, ...]
    runner_up: Disposition | None
    summary: Reason


def check_terms(terms: DispositionTerms) -> None:
    """Raise :class:`InvalidInput` naming the setting if ``terms`` cannot be applied."""
    for name in (
        "vendor_credit",
        "vendor_return_cost",
        "refurbish_cost",
        "restock_cost",
        "scrap_value",
        "scrap_cost",
    ):
        value = getattr(terms, name)
        if value is not None and to_money(value, f"terms.{name}") < 0:
            raise InvalidInput(f"terms.{name}", "must not be negative")
    to_share(terms.refurbished_share, "terms.refurbished_share")
    for i, grade in enumerate(sorted(terms.vendor_grades)):
        if grade not in GRADES:
            raise InvalidInput(f"terms.vendor_grades[{i}]", f"unknown grade {grade!r}")


def decide_disposition(
    policy: ReturnPolicy,
    item: InspectedItem,
    terms: DispositionTerms,
    outlook: Outlook | None = None,
) -> DispositionDecision:
    """The best outcome for inspected units of one SKU and grade, with every outcome's value.

    ``outlook``: the SKU's sales and stock at the node that would resell it (``None``: no
    sales known, so resold units are valued as overstock).
    """
    policy = checked_policy(policy)
    check_terms(terms)
    check_count(item.quantity, "item.quantity", 1)
    if item.grade not in GRADES:
        raise InvalidInput("item.grade", f"unknown grade {item.grade!r}")
    if to_money(item.unit_value, "item.unit_value") < 0:
        raise InvalidInput("item.unit_value", "must not be negative")
    currency = policy.currency.upper()
    outlook = outlook or Outlook()
    options = tuple(
        _option(outcome, policy, item, terms, outlook, currency) for outcome in DISPOSITIONS
    )
    allowed = [o for o in options if o.allowed]
    # highest value first; ties keep the order of DISPOSITIONS (goods kept in use first)
    ranked = sorted(allowed, key=lambda o: -o.value)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    label = item.name or item.sku
    text = (
        f"{item.quantity} x {label} ({GRADE_WORDS[item.grade]}): {_WORDS[best.outcome]}, "
        f"recovering {money_text(best.value, currency)}."
    )
    if runner is not None:
        gap = best.value - runner.value
        text += f" To {_WORDS[runner.outcome]} would recover {money_text(gap, currency)} less" + (
            " (equal value: the goods stay in use first)." if not gap else "."
        )
    params = {
        "outcome": best.outcome,
        "value": best.value,
        "runner_up": runner.outcome if runner else None,
    }
    summary = Reason(f"disposition_{best.outcome}", text, params)
    return DispositionDecision(
        item.sku,
        item.quantity,
        item.grade,
        best.outcome,
        best.value,
        options,
        runner.outcome if runner else None,
        summary,
    )


def _option(outcome, policy, item, terms, outlook, currency) -> DispositionOption:
    qty, grade = item.quantity, item.grade
    unit = to_money(item.unit_value, "item.unit_value")
    restock = to_money(terms.restock_cost, "terms.restock_cost") * qty
    if outcome == "resell":
        if grade == "defective":
            return _refused(outcome, "A defective item cannot be resold as it is.")
        valuation = value_at(policy, unit * grade_share(policy, grade), qty, outlook)
        value = valuation.value - restock
        why = value_words(valuation, qty, policy)
        text = (
            f"Resold {GRADE_WORDS[grade]}: {money_text(value, currency)} ({why}, less restocking)."
        )
    elif outcome == "refurbish":
        if terms.refurbish_cost is None:
            return _refused(outcome, "This product cannot be refurbished.")
        if grade == "as_new":
            return _refused(outcome, "An item as new needs no refurbishing.")
        share = to_money(terms.refurbished_share, "terms.refurbished_share")
        valuation = value_at(policy, unit * share, qty, outlook)
        value = valuation.value - restock - to_money(terms.refurbish_cost, "refurbish_cost") * qty
        text = (
            f"Refurbished and resold: {money_text(value, currency)} "
            f"(after refurbishing and restocking)."
        )
    elif outcome == "return_to_vendor":
        if terms.vendor_credit is None:
            return _refused(outcome, "The supplier takes nothing back.")
        if grade not in terms.vendor_grades:
            return _refused(outcome, f"The supplier does not take back items {GRADE_WORDS[grade]}.")
        credit = to_money(terms.vendor_credit, "vendor_credit")
        value = (credit - to_money(terms.vendor_return_cost, "vendor_return_cost")) * qty
        net = money_text(cents(value), currency)
        text = f"Returned to the supplier: {net} credit, net of shipping."
    else:
        salvage = to_money(terms.scrap_value, "scrap_value") - to_money(terms.scrap_cost, "cost")
        value = salvage * qty
        text = f"Scrapped: {money_text(cents(value), currency)}."
    value = cents(value)
    return DispositionOption(outcome, True, value, Reason(outcome, text, {"value": value}))


def _refused(outcome, text: str) -> DispositionOption:
    return DispositionOption(outcome, False, ZERO, Reason(f"{outcome}_not_allowed", text, {}))


__all__ = [
    "DISPOSITIONS",
    "Disposition",
    "DispositionDecision",
    "DispositionOption",
    "DispositionTerms",
    "InspectedItem",
    "check_terms",
    "decide_disposition",
]
