"""What a risk check reads about an order: the facts the caller gathers, and the protocol of
an external risk service whose answer becomes one of them (:mod:`oms_engine.risk` scores
them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from oms_engine.errors import InvalidInput
from oms_engine.risk_rules import Address
from oms_engine.wording import check_count, check_currency, check_number, to_money

ShopRiskLevel = Literal["low", "medium", "high"]


@dataclass(frozen=True, slots=True)
class RiskLine:
    """An order line as the large-quantity rule reads it: the product's usual quantity per
    order comes from its own history (``history_orders`` earlier orders with it, bought
    ``history_mean_quantity`` units on average). ``name`` is how sentences name it."""

    sku: str
    quantity: int
    history_orders: int = 0
    history_mean_quantity: float = 0.0
    name: str = ""


@dataclass(frozen=True, slots=True)
class ExternalRiskScore:
    """An external risk service's answer: ``score`` from 0 (safe) to 1 (certain fraud), or
    ``None`` when it gave none (``detail`` says why: timeout, error)."""

    provider: str
    score: float | None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """Everything the rules read about one order, gathered by the caller.

    ``order_value`` is in the policy's currency. ``previous_orders`` counts the customer's
    earlier orders (0: a first order). ``customer_order_times`` and ``address_order_times`` are
    the times of the customer's other orders and of other orders to the same shipping address
    near this one (read at least :func:`lookback` back); this order is not among them.
    ``paid``: already paid by a secure method (card, PayPal at checkout).
    """

    order_id: str
    order_time: datetime
    currency: str
    order_value: Decimal
    lines: tuple[RiskLine, ...] = ()
    email: str = ""
    billing: Address | None = None
    shipping: Address | None = None
    previous_orders: int = 0
    customer_order_times: tuple[datetime, ...] = ()
    address_order_times: tuple[datetime, ...] = ()
    shop_risk: ShopRiskLevel | None = None
    external: ExternalRiskScore | None = None
    paid: bool = False


class RiskService(Protocol):
    """An external risk service (a fraud-scoring API), implemented by the addon or the sync
    service. ``score`` may do I/O; it is called by :func:`with_external_score`, never inside
    :func:`assess`."""

    name: str

    def score(self, facts: RiskFacts) -> ExternalRiskScore:
        """The service's score for the order."""


def check_risk_facts(facts: RiskFacts, currency: str) -> None:
    """Raise :class:`InvalidInput` for facts the rules cannot read; ``currency`` is the
    policy's (the order value must be in it)."""
    if not isinstance(facts.order_time, datetime) or facts.order_time.tzinfo is None:
        raise InvalidInput("facts.order_time", "must be a timezone-aware datetime")
    if check_currency(facts.currency, "facts.currency") != currency.upper():
        raise InvalidInput(
            "facts.currency",
            f"the order is in {facts.currency} but the policy's amounts are in "
            f"{currency}: convert the order value first",
        )
    if to_money(facts.order_value, "facts.order_value") < 0:
        raise InvalidInput("facts.order_value", "must not be negative")
    check_count(facts.previous_orders, "facts.previous_orders")
    for i, line in enumerate(facts.lines):
        check_count(line.quantity, f"facts.lines[{i}].quantity", 1)
        check_count(line.history_orders, f"facts.lines[{i}].history_orders")
        check_number(line.history_mean_quantity, f"facts.lines[{i}].history_mean_quantity")
    for name in ("customer_order_times", "address_order_times"):
        for i, moment in enumerate(getattr(facts, name)):
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                raise InvalidInput(f"facts.{name}[{i}]", "must be a timezone-aware datetime")
    if facts.shop_risk not in (None, "low", "medium", "high"):
        raise InvalidInput("facts.shop_risk", "must be low, medium or high")
    external = facts.external
    if external is not None and external.score is not None:
        check_number(external.score, "facts.external.score", 0.0)
        if external.score > 1:
            raise InvalidInput("facts.external.score", "must be between 0 and 1")


def with_external_score(facts: RiskFacts, service: RiskService) -> RiskFacts:
    """``facts`` with the external service's answer (the caller runs this outside any
    transaction). A service that raises, or answers out of range, is recorded as no answer with
    the error as detail: an outage must not stop orders, and the policy's
    ``no_answer_points`` decide what it weighs."""
    name = getattr(service, "name", type(service).__name__)
    try:
        answer = service.score(facts)
    except Exception as exc:  # any failure of a third-party service is an outage to record
        return replace(facts, external=ExternalRiskScore(name, None, f"{type(exc).__name__}"))
    if not isinstance(answer, ExternalRiskScore):
        return replace(facts, external=ExternalRiskScore(name, None, "no usable answer"))
    score = answer.score
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1
    ):
        problem = f"score out of range: {score!r}"
        return replace(facts, external=ExternalRiskScore(answer.provider, None, problem))
    return replace(facts, external=answer)


__all__ = [
    "ExternalRiskScore",
    "RiskFacts",
    "RiskLine",
    "RiskService",
    "ShopRiskLevel",
    "check_risk_facts",
    "with_external_score",
]
