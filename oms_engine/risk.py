"""Risk check of an order: weighted rules per channel, a score, an outcome and its reasons.

Data -> rules -> score -> outcome::

    policy = RiskPolicy(currency="EUR", review_at=60, prepay_at=30, rules=(
        FirstOrderRule(weight=15),
        OrderValueRule(weight=20, threshold=Decimal("800")),
        VelocityRule(weight=40, max_orders=3, window=timedelta(hours=24)),
    ))
    check_risk_policy(policy)                # at save: InvalidInput names the bad setting
    assessment = assess(policy, facts)       # per order: pass | prepay | review, with reasons

The caller gathers :class:`RiskFacts` (the order, the customer's history, the shop's verdict,
an external service's score) and keeps one policy per channel. An external risk service is
called by the caller through the :class:`RiskService` protocol (:func:`with_external_score`),
never by the engine: the engine takes its answer as a fact.

Outcomes escalate with the score: below ``prepay_at`` the order passes; from ``prepay_at`` it
must be paid before it is released (an order already paid by a secure method passes); from
``review_at`` a person reviews it. Reasons are listed most points first, ties in the policy's
rule order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.risk_facts import (
    ExternalRiskScore,
    RiskFacts,
    RiskLine,
    RiskService,
    check_risk_facts,
    with_external_score,
)
from oms_engine.risk_rules import (
    RULE_TYPES,
    Address,
    AddressMismatchRule,
    BlockListRule,
    ExternalScoreRule,
    FirstOrderRule,
    LargeQuantityRule,
    OrderValueRule,
    RiskRule,
    ShopVerdictRule,
    VelocityRule,
    address_key,
    normalize_email,
)
from oms_engine.rounding import round6
from oms_engine.wording import (
    Reason,
    check_currency,
    check_number,
    money_text,
    plural,
)

RiskOutcome = Literal["pass", "prepay", "review"]


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """A channel's risk rules and the scores at which an order must be prepaid or reviewed.

    ``prepay_at`` and ``review_at`` are scores (``None`` switches that outcome off); when both
    are set, prepayment must start below review. Amounts in the rules are in ``currency``.
    """

    currency: str
    rules: tuple[RiskRule, ...] = ()
    review_at: float | None = None
    prepay_at: float | None = None


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True, slots=True)
class RiskReason:
    """A rule that fired: its code, the caller's ``ref`` of it, the points it added and why."""

    rule: str
    points: float
    text: str
    ref: str = ""
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The risk check of one order: total ``score``, ``outcome`` and the rules that fired
    (most points first). ``summary`` says what happens to the order and why, with code
    ``risk_pass``, ``risk_prepay``, ``risk_prepay_already_paid`` or ``risk_review``."""

    order_id: str
    score: float
    outcome: RiskOutcome
    reasons: tuple[RiskReason, ...]
    summary: Reason


# --------------------------------------------------------------------------- checks


def check_risk_policy(policy: RiskPolicy) -> None:
    """Raise :class:`InvalidInput` if any setting of ``policy`` is unusable, naming it
    (``rules[2].factor``) with a sentence the addon can show when the policy is saved."""
    check_currency(policy.currency, "currency")
    if not isinstance(policy.rules, tuple):
        raise InvalidInput("rules", "must be a tuple of rules")
    for i, rule in enumerate(policy.rules):
        if type(rule) not in RULE_TYPES.values():
            raise InvalidInput(f"rules[{i}]", f"unknown rule type {type(rule).__name__}")
        rule.check(f"rules[{i}]")
    for name in ("review_at", "prepay_at"):
        if getattr(policy, name) is not None:
            check_number(getattr(policy, name), name, 0.0, above=True)
    review, prepay = policy.review_at, policy.prepay_at
    if review is not None and prepay is not None and prepay >= review:
        raise InvalidInput(
            "prepay_at",
            "must be below the review threshold: orders that score higher go to review",
        )


def lookback(policy: RiskPolicy) -> timedelta:
    """How far back the caller must read a customer's and an address's other orders for the
    policy's velocity rules (a ``timedelta``; zero when it has none)."""
    windows = [r.window for r in policy.rules if isinstance(r, VelocityRule)]
    return max(windows) if windows else timedelta(0)


@lru_cache(maxsize=64)
def _checked_once(policy: RiskPolicy) -> bool:
    check_risk_policy(policy)
    return True


def _checked(policy: RiskPolicy) -> None:
    """Check a policy once: a block list of thousands of entries takes milliseconds to check
    and a channel's policy is assessed against every order. Policies are frozen, so a policy
    that passed once passes again; one that cannot be hashed (a list where a tuple belongs)
    is checked every time, and refused."""
    try:
        hash(policy)
    except TypeError:
        check_risk_policy(policy)
        return
    _checked_once(policy)


# --------------------------------------------------------------------------- the rules


def _large_quantity(rule: LargeQuantityRule, facts: RiskFacts):
    unusual = []
    for line in facts.lines:
        if line.history_orders < rule.min_history:
            continue
        usual = line.history_mean_quantity
        if line.quantity >= rule.min_quantity and line.quantity >= rule.factor * usual:
            unusual.append(line)
    if not unusual:
        return None
    parts = [
        f"{line.quantity} x {line.name or line.sku} (usually {line.history_mean_quantity:.3g}"
        f" per order)"
        for line in unusual
    ]
    text = (
        f"Unusually large quantity, {rule.factor:g} times the usual or more: "
        + "; ".join(parts)
        + "."
    )
    params = {
        "lines": tuple((ln.sku, ln.quantity, ln.history_mean_quantity) for ln in unusual),
        "factor": rule.factor,
    }
    return rule.weight, text, params


def _order_value(rule: OrderValueRule, facts: RiskFacts, currency: str):
    if facts.order_value < rule.threshold:
        return None
    text = (
        f"The order is worth {money_text(facts.order_value, currency)}, "
        f"at or above {money_text(rule.threshold, currency)}."
    )
    params = {"value": facts.order_value, "threshold": rule.threshold, "currency": currency}
    return rule.weight, text, params


def _first_order(rule: FirstOrderRule, facts: RiskFacts):
    if facts.previous_orders:
        return None
    return rule.weight, "This is the customer's first order.", {}


def _describe(address: Address, level: str) -> str:
    if level == "country":
        return address.country
    parts = [address.street] if level == "street" else []
    parts += [f"{address.postal_code} {address.city}".strip(), address.country]
    return ", ".join(p for p in parts if p)


def _address_mismatch(rule: AddressMismatchRule, facts: RiskFacts):
    billing, shipping = facts.billing, facts.shipping
    if billing is None or shipping is None:
        return None
    if address_key(billing, rule.level) == address_key(shipping, rule.level):
        return None
    what = "country" if rule.level == "country" else "address"
    text = (
        f"The billing {what} ({_describe(billing, rule.level)}) differs from the shipping "
        f"{what} ({_describe(shipping, rule.level)})."
    )
    return rule.weight, text, {"level": rule.level, "billing": billing, "shipping": shipping}


def _block_list(rule: BlockListRule, facts: RiskFacts):
    hits = []
    if facts.email:
        email = normalize_email(facts.email, ignore_plus_tags=rule.ignore_plus_tags)
        if email in rule.email_keys:
            hits.append(("email", f"the e-mail address {facts.email.strip()}"))
        elif email.rpartition("@")[2] in rule.domain_keys:
            hits.append(("email_domain", f"the e-mail domain {email.rpartition('@')[2]}"))
    for role, address in (("shipping", facts.shipping), ("billing", facts.billing)):
        if address is not None and address_key(address) in rule.address_keys:
            hits.append((f"{role}_address", f"the {role} address ({_describe(address, 'street')})"))
    if not hits:
        return None
    text = " and ".join(words for _kind, words in hits)
    text = text[0].upper() + text[1:] + (" is" if len(hits) == 1 else " are") + " blocked."
    return rule.weight, text, {"matches": tuple(kind for kind, _words in hits)}


def _velocity(rule: VelocityRule, facts: RiskFacts):
    times = facts.customer_order_times if rule.per == "customer" else facts.address_order_times
    at, window = facts.order_time, rule.window
    count = 1 + sum(1 for t in times if abs(at - t) < window)
    if count <= rule.max_orders:
        return None
    hours = window.total_seconds() / 3600
    span = plural(round(hours), "hour") if hours < 72 else plural(round(hours / 24), "day")
    if rule.per == "customer":
        text = f"The customer placed {count} orders within {span} (more than {rule.max_orders})."
    else:
        text = (
            f"{count} orders went to the same shipping address within {span} "
            f"(more than {rule.max_orders})."
        )
    params = {"orders": count, "max_orders": rule.max_orders, "window": window, "per": rule.per}
    return rule.weight, text, params


def _shop_verdict(rule: ShopVerdictRule, facts: RiskFacts):
    level = facts.shop_risk
    points = rule.weight if level == "high" else rule.medium_weight if level == "medium" else 0
    if not points:
        return None
    return points, f"The shop rated the order {level} risk.", {"level": level}


def _external(rule: ExternalScoreRule, facts: RiskFacts):
    answer = facts.external
    if answer is None or answer.score is None:
        if not rule.no_answer_points:
            return None
        provider = answer.provider if answer is not None else "the risk service"
        detail = f" ({answer.detail})" if answer is not None and answer.detail else ""
        text = f"The risk service {provider} gave no score{detail}."
        return rule.no_answer_points, text, {"provider": provider, "score": None}
    if answer.score < rule.threshold:
        return None
    text = (
        f"The risk service {answer.provider} scored the order {answer.score:.2f} "
        f"(counts from {rule.threshold:.2f})."
    )
    params = {"provider": answer.provider, "score": answer.score, "threshold": rule.threshold}
    return rule.weight * answer.score, text, params


_RULES = {
    LargeQuantityRule: _large_quantity,
    FirstOrderRule: _first_order,
    AddressMismatchRule: _address_mismatch,
    BlockListRule: _block_list,
    VelocityRule: _velocity,
    ShopVerdictRule: _shop_verdict,
    ExternalScoreRule: _external,
}


# --------------------------------------------------------------------------- assessment


def assess(policy: RiskPolicy, facts: RiskFacts) -> RiskAssessment:
    """Score one order against a channel's risk policy and decide its outcome.

    Every rule reads ``facts`` only; the score is the sum of the points of the rules that
    fired. The policy is checked (once per policy: see :func:`_checked`), the facts every
    time; either raises :class:`InvalidInput`.
    """
    _checked(policy)
    check_risk_facts(facts, policy.currency)
    currency = policy.currency.upper()
    fired = []
    for position, rule in enumerate(policy.rules):
        if type(rule) is OrderValueRule:
            result = _order_value(rule, facts, currency)
        else:
            result = _RULES[type(rule)](rule, facts)
        if result is not None and result[0] > 0:
            points, text, params = result
            fired.append((-round6(float(points)), position, rule, text, params))
    fired.sort(key=lambda row: row[:2])
    reasons = tuple(
        RiskReason(rule.code, -neg_points, text, rule.ref, params)
        for neg_points, _pos, rule, text, params in fired
    )
    score = round6(sum(reason.points for reason in reasons))
    outcome, summary = _outcome(policy, facts, score, reasons)
    return RiskAssessment(facts.order_id, score, outcome, reasons, summary)


def _outcome(policy: RiskPolicy, facts: RiskFacts, score: float, reasons):
    shown = f"{score:g}"
    params = {"score": score, "review_at": policy.review_at, "prepay_at": policy.prepay_at}
    if not reasons:
        return "pass", Reason("risk_pass", "No risk rule fired: the order goes ahead.", params)
    if policy.review_at is not None and score >= policy.review_at:
        text = (
            f"Risk score {shown} reaches the review threshold {policy.review_at:g}: "
            "the order waits for a person to approve or reject it."
        )
        return "review", Reason("risk_review", text, params)
    if policy.prepay_at is not None and score >= policy.prepay_at:
        if facts.paid:
            text = (
                f"Risk score {shown} reaches the prepayment threshold {policy.prepay_at:g}, "
                "but the order is already paid: it goes ahead."
            )
            return "pass", Reason("risk_prepay_already_paid", text, params)
        text = (
            f"Risk score {shown} reaches the prepayment threshold {policy.prepay_at:g}: "
            "the order is released only once it is paid."
        )
        return "prepay", Reason("risk_prepay", text, params)
    lowest = min(t for t in (policy.prepay_at, policy.review_at, float("inf")) if t is not None)
    below = f", below the threshold {lowest:g}" if lowest != float("inf") else ""
    text = f"Risk score {shown}{below}: the order goes ahead."
    return "pass", Reason("risk_pass", text, params)


__all__ = [
    "RULE_TYPES",
    "Address",
    "AddressMismatchRule",
    "BlockListRule",
    "ExternalRiskScore",
    "ExternalScoreRule",
    "FirstOrderRule",
    "LargeQuantityRule",
    "OrderValueRule",
    "RiskAssessment",
    "RiskFacts",
    "RiskLine",
    "RiskOutcome",
    "RiskPolicy",
    "RiskReason",
    "RiskRule",
    "RiskService",
    "ShopVerdictRule",
    "VelocityRule",
    "assess",
    "check_risk_facts",
    "check_risk_policy",
    "lookback",
    "with_external_score",
]
