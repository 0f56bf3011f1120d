"""Returns: the vocabulary and what a returned unit is worth where it lands.

A returned unit is worth its full value where it will sell before it ages: where the node's
demand over the policy's horizon reaches it, after the stock already there. Where the node is
overstocked the unit waits beyond the horizon and is worth only ``overstock_share`` of it (a
markdown, an outlet). Demand is uncertain: a unit keeps its full value with the chance that
the horizon's demand (Poisson, with the node's expected sales as mean) sells the stock ahead
of it and reaches it, so a unit's value grows with the node's demand and shrinks with its
stock, and a node with just enough expected sales is not mistaken for a sure one.

The decisions built on it: :func:`oms_engine.returns.route_mail_return` (where a mailed
return goes, or "keep it"), :func:`oms_engine.returns_store.route_store_return` (a return at
the till: stay, send on, triage) and :func:`oms_engine.disposition.decide_disposition`
(resell, refurbish, return to vendor or scrap after inspection).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.wording import (
    CENT,
    ZERO,
    Reason,
    cents,
    check_count,
    check_currency,
    check_number,
    to_money,
    to_share,
)

Grade = Literal["as_new", "opened", "damaged", "defective"]
GRADES: tuple[Grade, ...] = ("as_new", "opened", "damaged", "defective")
GRADE_WORDS = {
    "as_new": "as new",
    "opened": "opened",
    "damaged": "damaged",
    "defective": "defective",
}


@dataclass(frozen=True, slots=True)
class Outlook:
    """A SKU at a node: expected units sold a day (a forecast, or the last weeks' average,
    click & collect included) and sellable units on hand now."""

    daily_sales: float = 0.0
    on_hand: float = 0.0


#: Outlook per SKU then per node id, like the routing's stock: ``outlook["TSHIRT-M"]["ST01"]``.
#: A missing entry means no sales and no stock there.
Outlooks = Mapping[str, Mapping[str, Outlook]]

_NO_OUTLOOK = Outlook()


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    """A channel's rules for where returns go and what they are worth.

    ``horizon_days``: a unit that sells within it is worth its full value; one that does not
    keeps ``overstock_share`` of it. ``opened_share``, ``damaged_share`` and
    ``defective_share`` scale the value by condition (``defective_share``: what repair or a
    vendor claim recovers at the triage location). Mailed items in ``triage_conditions`` go
    to a triage node. ``keep_it_below``: a mailed return must recover at least this much more
    than it costs, otherwise the customer keeps the items (refund without return); items worth
    more than ``keep_it_max_value`` a unit always come back; ``keep_it=False`` never lets them
    keep anything. ``transfer_min_gain``: at a store, sending a unit on must gain at least
    this much over keeping it there. Amounts are in ``currency``.
    """

    currency: str
    horizon_days: int = 30
    overstock_share: Decimal = Decimal("0.5")
    opened_share: Decimal = Decimal("0.8")
    damaged_share: Decimal = Decimal("0.4")
    defective_share: Decimal = Decimal("0.2")
    triage_conditions: frozenset[Grade] = frozenset({"defective"})
    keep_it: bool = True
    keep_it_below: Decimal = ZERO
    keep_it_max_value: Decimal | None = None
    transfer_min_gain: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """A line of a return: ``unit_value`` is what one unit sells for new at full price (net),
    ``condition`` as declared by the customer (mail) or seen at the till."""

    sku: str
    quantity: int
    unit_value: Decimal
    condition: Grade = "as_new"
    weight_kg: float = 0.5
    name: str = ""


@dataclass(frozen=True, slots=True)
class ReturnNode:
    """A node a return may go to, with the costs of getting it there.

    ``parcel_cost`` and ``cost_per_kg``: the return label from this customer to the node
    (mail returns); ``transfer_unit_cost``: sending one unit on from the store the return was
    made at (store returns); ``handling_cost``: receiving and restocking one unit. ``triage``:
    the node inspects and repairs (defective items go there).
    """

    id: str
    name: str = ""
    parcel_cost: Decimal = ZERO
    cost_per_kg: Decimal = ZERO
    handling_cost: Decimal = ZERO
    transfer_unit_cost: Decimal = ZERO
    accepts_returns: bool = True
    triage: bool = False


_POLICY_AMOUNTS = ("keep_it_below", "keep_it_max_value", "transfer_min_gain")
_POLICY_SHARES = ("overstock_share", "opened_share", "damaged_share", "defective_share")
_NODE_AMOUNTS = ("parcel_cost", "cost_per_kg", "handling_cost", "transfer_unit_cost")


def check_return_policy(policy: ReturnPolicy) -> ReturnPolicy:
    """``policy`` with every amount and share a Decimal; raises :class:`InvalidInput` naming
    the setting if it cannot be applied (the addon calls it when the policy is saved)."""
    check_currency(policy.currency, "currency")
    check_count(policy.horizon_days, "horizon_days", 1)
    for i, grade in enumerate(sorted(policy.triage_conditions)):
        if grade not in GRADES:
            raise InvalidInput(f"triage_conditions[{i}]", f"unknown condition {grade!r}")
    if "as_new" in policy.triage_conditions:
        raise InvalidInput("triage_conditions", "items as new never need triage")
    changes = {name: to_share(getattr(policy, name), name) for name in _POLICY_SHARES}
    for name in _POLICY_AMOUNTS:
        value = getattr(policy, name)
        if value is not None:
            changes[name] = to_money(value, name)
            if changes[name] < 0:
                raise InvalidInput(name, "must not be negative")
    return replace(policy, **changes)


@lru_cache(maxsize=64)
def _checked_policy(policy: ReturnPolicy) -> ReturnPolicy:
    return check_return_policy(policy)


def checked_policy(policy: ReturnPolicy) -> ReturnPolicy:
    """:func:`check_return_policy`, once per (frozen, hashable) policy: the decisions call it
    for every return."""
    try:
        return _checked_policy(policy)
    except TypeError:  # unhashable: a list where a frozenset belongs
        return check_return_policy(policy)


def check_items(items: tuple[ReturnItem, ...]) -> tuple[ReturnItem, ...]:
    """The return's lines with their unit values as Decimal; raises :class:`InvalidInput`
    for a line that cannot be valued."""
    if not items:
        raise InvalidInput("items", "a return needs at least one line")
    out = []
    for i, item in enumerate(items):
        check_count(item.quantity, f"items[{i}].quantity", 1)
        unit = item.unit_value
        if type(unit) is not Decimal or not unit.is_finite():
            unit = to_money(unit, f"items[{i}].unit_value")
        if unit < 0:
            raise InvalidInput(f"items[{i}].unit_value", "must not be negative")
        if item.condition not in GRADES:
            raise InvalidInput(f"items[{i}].condition", f"unknown condition {item.condition!r}")
        check_number(item.weight_kg, f"items[{i}].weight_kg")
        out.append(item if unit is item.unit_value else replace(item, unit_value=unit))
    return tuple(out)


def check_nodes(nodes: tuple[ReturnNode, ...]) -> tuple[ReturnNode, ...]:
    """The nodes with every cost a Decimal; raises :class:`InvalidInput` for duplicate ids or
    costs that are not amounts or below zero."""
    seen: set[str] = set()
    out = []
    for i, node in enumerate(nodes):
        if node.id in seen:
            raise InvalidInput(f"nodes[{i}].id", f"duplicate node {node.id!r}")
        seen.add(node.id)
        costs = (node.parcel_cost, node.cost_per_kg, node.handling_cost, node.transfer_unit_cost)
        if all(type(c) is Decimal and c.is_finite() and c >= 0 for c in costs):
            out.append(node)  # the usual case, checked without a call per cost
            continue
        changes = {}
        for name in _NODE_AMOUNTS:
            value = getattr(node, name)
            if type(value) is not Decimal or not value.is_finite():
                value = changes[name] = to_money(value, f"nodes[{i}].{name}")
            if value < 0:
                raise InvalidInput(f"nodes[{i}].{name}", "must not be negative")
        out.append(replace(node, **changes) if changes else node)
    return tuple(out)


def grade_share(policy: ReturnPolicy, grade: str) -> Decimal:
    """The share of a new unit's value an item of ``grade`` keeps."""
    if grade == "as_new":
        return Decimal(1)
    return getattr(policy, f"{grade}_share")


def outlook_of(outlooks: Outlooks, sku: str, node: str) -> Outlook:
    """The outlook of ``sku`` at ``node`` (no sales, no stock when unknown)."""
    return (outlooks.get(sku) or {}).get(node, _NO_OUTLOOK)


@dataclass(frozen=True, slots=True)
class Valuation:
    """What ``quantity`` units are worth at a node: ``value`` (rounded to the cent), how many
    of them are expected to sell within the horizon (``selling``), and the node's stock cover
    in days before they arrive (``None``: it sells nothing)."""

    value: Decimal
    selling: float
    cover_days: float | None


def sell_chance(mean: float, units_ahead: int) -> float:
    """The chance that demand over the horizon, Poisson with ``mean``, sells more than
    ``units_ahead`` units: that a unit with ``units_ahead`` units in front of it sells.

    Exact for means up to 50 (the tail past ``mean + 10 sqrt(mean) + 10`` units, below one in
    a billion, is taken as zero), a normal approximation with continuity correction above.
    """
    if units_ahead < 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if mean > 50:
        z = (units_ahead + 0.5 - mean) / math.sqrt(mean)
        return 0.5 * math.erfc(z / math.sqrt(2))
    if units_ahead > mean + 10 * math.sqrt(mean) + 10:
        return 0.0
    term = total = math.exp(-mean)  # P(D = 0)
    for k in range(1, units_ahead + 1):
        term *= mean / k
        total += term
    return max(0.0, 1.0 - total)


def value_at(
    policy: ReturnPolicy, unit_value: Decimal, quantity: int, outlook: Outlook, on_top: float = 0
) -> Valuation:
    """What ``quantity`` units worth ``unit_value`` each (already scaled by condition) recover
    at a node with ``outlook``, ``on_top`` more units having been sent there before them.

    The node sells its stock on hand first, then ``on_top``, then these units: each unit
    keeps its full value with the chance that the horizon's demand reaches it
    (:func:`sell_chance`) and ``overstock_share`` of it otherwise. ``selling`` is the units
    expected to sell.
    """
    share = policy.overstock_share
    if outlook.daily_sales <= 0:  # most candidate nodes do not sell a given SKU at all
        return Valuation(cents(unit_value * quantity * share), 0.0, None)
    mean = outlook.daily_sales * policy.horizon_days
    ahead = max(0, math.floor(outlook.on_hand + on_top + 1e-9))
    selling = 0.0
    for k in range(quantity):
        chance = sell_chance(mean, ahead + k)
        if chance <= 0.0:
            break  # later units are further back: they cannot sell either
        selling += chance
    sold = Decimal(repr(selling))
    worth = unit_value * (quantity * share + sold * (1 - share))
    cover = (outlook.on_hand + on_top) / outlook.daily_sales
    return Valuation(cents(worth), selling, cover)


def value_words(valuation: Valuation, quantity: int, policy: ReturnPolicy) -> str:
    """Why a unit is worth what it is at a node, in words."""
    horizon = policy.horizon_days
    if valuation.cover_days is None:
        return "it does not sell there"
    cover = f"stock covers {valuation.cover_days:.0f} days"
    chance = valuation.selling / quantity
    if chance >= 0.995:
        return f"it sells within {horizon} days there ({cover})"
    if chance <= 0.005:
        return f"it would not sell within {horizon} days there ({cover})"
    return f"the chance it sells within {horizon} days there is {chance:.0%} ({cover})"


def reason(code: str, text: str, **params) -> Reason:
    """A :class:`Reason` with keyword params (a shorthand of the return modules)."""
    return Reason(code, text, params)


__all__ = [
    "CENT",
    "GRADES",
    "Grade",
    "Outlook",
    "Outlooks",
    "ReturnItem",
    "ReturnNode",
    "ReturnPolicy",
    "Valuation",
    "check_return_policy",
    "checked_policy",
    "grade_share",
    "outlook_of",
    "sell_chance",
    "value_at",
    "value_words",
]
