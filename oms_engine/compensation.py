"""Compensation for a broken delivery promise: a pure function of the order, the delay, what
was already granted and the policy.

    decision = compensate(policy, order, Delay(days=4, cause="carrier"), today, history)
    for action in decision.actions:       # refund the express fee, a voucher
        action.kind, action.amount, action.reason.text

Rules, in this order: nothing for a delay the customer caused, or for none; the express fee
back when an express promise was missed; a voucher (an amount, or a percentage of the order's
value) from the highest tier the delay reaches; each kind of action at most once per order;
the per-order cap, then the per-customer cap over the policy's period, cut the amounts (the
express refund first: it is the customer's own money for a service not given).

The result never decreases with the delay: tiers are checked to grow with the days, and the
caps and the history do not depend on the delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.wording import (
    ZERO,
    Reason,
    cents,
    check_count,
    check_currency,
    money_text,
    plural,
    to_money,
)

CompensationKind = Literal["express_fee_refund", "voucher"]
DelayCauseOrCustomer = Literal["node", "carrier", "customer", "unknown"]

_KINDS = ("express_fee_refund", "voucher")
_CAUSES = ("node", "carrier", "customer", "unknown")


@dataclass(frozen=True, slots=True)
class VoucherTier:
    """A voucher for a delay of more than ``after_days`` days: a fixed ``amount`` or a
    ``percent`` of the order's value (exactly one of the two)."""

    after_days: int
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CompensationPolicy:
    """What a channel grants for a broken promise.

    ``voucher_tiers``: the voucher per delay (the highest tier reached applies); amounts are in
    ``currency``. ``order_cap``: most granted for one order, everything included;
    ``customer_cap``: most granted to one customer within ``customer_period_days`` days
    (``None``: no cap). ``step``: the currency's smallest unit, amounts are rounded to it.
    """

    currency: str
    refund_express_fee: bool = True
    voucher_tiers: tuple[VoucherTier, ...] = ()
    order_cap: Decimal | None = None
    customer_cap: Decimal | None = None
    customer_period_days: int = 365
    step: Decimal = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CompensationOrder:
    """The order as the policy reads it: its value (goods, what a percentage voucher is
    taken of), the express fee the customer paid and the service level promised."""

    order_id: str
    customer_id: str
    currency: str
    order_value: Decimal
    service_level: Literal["standard", "express"] = "standard"
    express_fee: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Delay:
    """How many calendar days after the promise the order arrived (or will), and who caused
    it: the shipping ``node``, the ``carrier``, the ``customer`` (not at home, a wrong
    address), or ``unknown``."""

    days: int
    cause: DelayCauseOrCustomer = "unknown"


@dataclass(frozen=True, slots=True)
class Grant:
    """A compensation already given: to which order, what kind, how much, on which day."""

    order_id: str
    kind: CompensationKind
    amount: Decimal
    granted_on: date


@dataclass(frozen=True, slots=True)
class CompensationAction:
    """One thing to give the customer: ``kind``, ``amount`` in the policy's currency, and
    the reason in words (code ``express_fee_refund`` or ``voucher``). ``capped_from`` is
    the amount before a cap cut it (``None`` when no cap did)."""

    kind: CompensationKind
    amount: Decimal
    reason: Reason
    capped_from: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CompensationDecision:
    """What to grant for one order's delay: ``actions`` (possibly none), their ``total``,
    and ``reasons``, one sentence per rule that shaped the result (why nothing, what a cap
    cut, what was already given)."""

    order_id: str
    actions: tuple[CompensationAction, ...]
    total: Decimal
    reasons: tuple[Reason, ...]


def check_compensation_policy(policy: CompensationPolicy) -> None:
    """Raise :class:`InvalidInput` naming the setting if ``policy`` cannot be applied; the
    voucher tiers must grow with the delay (so a longer delay never earns less)."""
    check_currency(policy.currency, "currency")
    step = to_money(policy.step, "step")
    if step <= 0:
        raise InvalidInput("step", "must be the currency's smallest unit, e.g. 0.01")
    for name in ("order_cap", "customer_cap"):
        value = getattr(policy, name)
        if value is not None and to_money(value, name) < 0:
            raise InvalidInput(name, "must not be negative")
    check_count(policy.customer_period_days, "customer_period_days", 1)
    previous = None
    for i, tier in enumerate(policy.voucher_tiers):
        path = f"voucher_tiers[{i}]"
        check_count(tier.after_days, f"{path}.after_days")
        if (tier.amount is None) == (tier.percent is None):
            raise InvalidInput(path, "give either an amount or a percentage, not both")
        if tier.amount is not None and to_money(tier.amount, f"{path}.amount") <= 0:
            raise InvalidInput(f"{path}.amount", "must be above zero")
        if tier.percent is not None and not 0 < to_money(tier.percent, f"{path}.percent") <= 100:
            raise InvalidInput(f"{path}.percent", "must be above 0 and at most 100")
        if previous is not None:
            if tier.after_days <= previous.after_days:
                raise InvalidInput(f"{path}.after_days", "tiers must be listed by growing delay")
            if (tier.amount is None) != (previous.amount is None):
                raise InvalidInput(path, "all tiers must be amounts, or all percentages")
            if (tier.amount or tier.percent) < (previous.amount or previous.percent):
                raise InvalidInput(path, "a longer delay must not earn a smaller voucher")
        previous = tier


def _check_case(policy, order, delay, history, today) -> None:
    if check_currency(order.currency, "order.currency") != policy.currency.upper():
        raise InvalidInput(
            "order.currency", f"the order is in {order.currency}, the policy in {policy.currency}"
        )
    if to_money(order.order_value, "order.order_value") < 0:
        raise InvalidInput("order.order_value", "must not be negative")
    if to_money(order.express_fee, "order.express_fee") < 0:
        raise InvalidInput("order.express_fee", "must not be negative")
    if order.service_level not in ("standard", "express"):
        raise InvalidInput("order.service_level", "must be standard or express")
    if isinstance(delay.days, bool) or not isinstance(delay.days, int):
        raise InvalidInput("delay.days", "must be a whole number of days")
    if delay.cause not in _CAUSES:
        raise InvalidInput("delay.cause", "must be node, carrier, customer or unknown")
    if not isinstance(today, date) or isinstance(today, datetime):
        raise InvalidInput("today", "must be a date")
    for i, grant in enumerate(history):
        if grant.kind not in _KINDS:
            raise InvalidInput(f"history[{i}].kind", "must be express_fee_refund or voucher")
        if to_money(grant.amount, f"history[{i}].amount") < 0:
            raise InvalidInput(f"history[{i}].amount", "must not be negative")


def compensate(
    policy: CompensationPolicy,
    order: CompensationOrder,
    delay: Delay,
    today: date,
    history: tuple[Grant, ...] = (),
) -> CompensationDecision:
    """What to grant ``order`` for ``delay`` under ``policy``.

    ``today`` ends the per-customer period. ``history``: the customer's earlier grants (every
    order of theirs, at least ``customer_period_days`` back); this order's own are found in it
    by ``order_id``. Calling again with the actions added to the history grants nothing more:
    each kind is given once per order.
    """
    check_compensation_policy(policy)
    _check_case(policy, order, delay, history, today)
    currency = policy.currency.upper()
    reasons: list[Reason] = []
    params = {"order_id": order.order_id, "delay_days": delay.days, "currency": currency}
    if delay.days <= 0:
        text = "The order arrived as promised: nothing to grant."
        reasons.append(Reason("not_late", text, params))
        return CompensationDecision(order.order_id, (), ZERO, tuple(reasons))
    if delay.cause == "customer":
        text = "The delay was caused by the customer: no compensation."
        reasons.append(Reason("customer_caused", text, params))
        return CompensationDecision(order.order_id, (), ZERO, tuple(reasons))
    step = to_money(policy.step, "step")
    own = [g for g in history if g.order_id == order.order_id]
    given_kinds = {g.kind for g in own}
    late = plural(delay.days, "day")
    wanted: list[tuple[CompensationKind, Decimal, Reason]] = []
    fee = to_money(order.express_fee, "order.express_fee")
    if policy.refund_express_fee and order.service_level == "express" and fee > 0:
        fee = _floor(fee, step)
        text = (
            f"The express delivery arrived {late} late: the express fee of "
            f"{money_text(fee, currency)} is refunded."
        )
        wanted.append(("express_fee_refund", fee, Reason("express_fee_refund", text, params)))
    tier = _tier(policy, delay.days)
    if tier is not None:
        amount, text = _voucher(tier, order, currency, step, late)
        wanted.append(("voucher", amount, Reason("voucher", text, {**params, "tier": tier})))
    if not wanted:
        text = f"The order arrived {late} late, below every compensation rule."
        reasons.append(Reason("below_thresholds", text, params))
    order_room = _room(policy.order_cap, sum((to_money(g.amount, "") for g in own), ZERO))
    start = today - timedelta(days=policy.customer_period_days)
    customer_given = sum((to_money(g.amount, "") for g in history if g.granted_on > start), ZERO)
    customer_room = _room(policy.customer_cap, customer_given)
    actions: list[CompensationAction] = []
    for kind, amount, reason in wanted:
        if kind in given_kinds:
            what = "express fee was" if kind == "express_fee_refund" else "voucher was"
            text = f"The {what} already granted for this order: it is given once per order."
            reasons.append(Reason("already_granted", text, {**params, "kind": kind}))
            continue
        if amount <= 0:  # a percentage of an order worth nothing
            continue
        room = min(r for r in (order_room, customer_room, amount) if r is not None)
        granted = _floor(room, step)
        capped_from = None
        if granted < amount:
            capped_from = amount
            cap = "order" if order_room is not None and order_room == room else "customer"
            cut_to = granted if granted > 0 else None
            reasons.append(_cap_reason(kind, cap, policy, currency, params, cut_to=cut_to))
            if granted <= 0:
                continue
        actions.append(CompensationAction(kind, granted, reason, capped_from))
        order_room = None if order_room is None else order_room - granted
        customer_room = None if customer_room is None else customer_room - granted
    total = sum((a.amount for a in actions), ZERO)
    return CompensationDecision(order.order_id, tuple(actions), total, tuple(reasons))


def _tier(policy: CompensationPolicy, days: int) -> VoucherTier | None:
    reached = [t for t in policy.voucher_tiers if days > t.after_days]
    return reached[-1] if reached else None


def _voucher(tier: VoucherTier, order, currency: str, step: Decimal, late: str):
    if tier.amount is not None:
        amount = cents(to_money(tier.amount, "tier.amount"), step)
        text = f"The order arrived {late} late: a voucher of {money_text(amount, currency)}."
    else:
        value = to_money(order.order_value, "order.order_value")
        percent = to_money(tier.percent, "tier.percent")
        amount = _floor(value * percent / 100, step)
        text = (
            f"The order arrived {late} late: a voucher of {percent:g}% of the order's "
            f"{money_text(value, currency)}, {money_text(amount, currency)}."
        )
    return amount, text


def _room(cap: Decimal | None, used: Decimal) -> Decimal | None:
    return None if cap is None else max(ZERO, to_money(cap, "cap") - used)


def _floor(amount: Decimal, step: Decimal) -> Decimal:
    # rounded down: a cap is never exceeded by rounding
    return (amount // step) * step if amount > 0 else ZERO


def _cap_reason(kind, cap, policy, currency, params, cut_to) -> Reason:
    what = "express fee refund" if kind == "express_fee_refund" else "voucher"
    if cap == "order":
        limit = f"the cap of {money_text(policy.order_cap, currency)} per order"
    else:
        limit = (
            f"the cap of {money_text(policy.customer_cap, currency)} per customer in "
            f"{plural(policy.customer_period_days, 'day')}"
        )
    if cut_to is None:
        text = f"No {what}: {limit} is reached."
    else:
        text = f"The {what} is cut to {money_text(cut_to, currency)} by {limit}."
    return Reason(f"{cap}_cap", text, {**params, "kind": kind, "granted": cut_to})


__all__ = [
    "CompensationAction",
    "CompensationDecision",
    "CompensationKind",
    "CompensationOrder",
    "CompensationPolicy",
    "Delay",
    "Grant",
    "VoucherTier",
    "check_compensation_policy",
    "compensate",
]
