"""What the decision modules share: a statement with its reason code, money and plain words.

Every decision of :mod:`oms_engine.risk`, :mod:`oms_engine.delay`,
:mod:`oms_engine.compensation`, :mod:`oms_engine.returns` and
:mod:`oms_engine.replenishment` explains itself as :class:`Reason` rows: a stable ``code``
for programs (the addon translates per code, formatting ``params`` with the user's language,
dates and currency), an English ``text`` for logs and for callers without translations, and
the ``params`` the sentence was made from.

Money is a :class:`~decimal.Decimal` in these modules (refunds and vouchers are paid out, so
caps must hold to the cent). :func:`to_money` takes what callers have - Odoo's float fields,
ints, Decimals - and refuses what is not an amount.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oms_engine.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Reason:
    """One statement of a decision.

    ``code`` is stable (docs/engine_policies.md lists every code); ``text`` is a plain English
    sentence; ``params`` holds the facts the sentence names (amounts as Decimal, dates as
    ``date``, node ids, SKUs), for a caller that words it in the user's language.
    """

    code: str
    text: str
    params: Mapping[str, object] = field(default_factory=dict)


def to_money(value: object, path: str) -> Decimal:
    """``value`` as a Decimal amount: a Decimal or int as it is, a float by its shortest
    repr (Odoo's 19.99 is Decimal('19.99'), not its binary expansion). Booleans, NaN,
    infinities and anything else raise :class:`InvalidInput` naming ``path``."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput(path, "must be a finite amount")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(path, f"must be an amount, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(path, "must be a finite amount")
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - repr of a finite float always parses
        raise InvalidInput(path, "must be an amount") from exc


def to_share(value: object, path: str) -> Decimal:
    """A share between 0 and 1 (inclusive) as a Decimal, e.g. 0.8 for 80%."""
    share = to_money(value, path)
    if not ZERO <= share <= 1:
        raise InvalidInput(path, "must be between 0 and 1 (e.g. 0.8 for 80%)")
    return share


def cents(amount: Decimal, step: Decimal = CENT) -> Decimal:
    """``amount`` rounded half up to ``step`` (the currency's smallest unit)."""
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def check_currency(currency: object, path: str) -> str:
    """A three-letter ISO 4217 code such as ``EUR``; raises :class:`InvalidInput` otherwise."""
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(path, "must be a three-letter currency code such as EUR")
    return currency.upper()


def money_text(amount: Decimal, currency: str) -> str:
    """``EUR 1,250.00``: the English fallback wording of an amount (the addon formats its own
    with the user's locale)."""
    return f"{currency} {amount:,.2f}"


def date_text(day: date) -> str:
    """``Tue 1 Dec 2026``: a date in words (never ISO in a sentence people read)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def plural(n: float, one: str, many: str | None = None) -> str:
    """``1 day``, ``3 days``, ``0.5 units``: a count with its noun."""
    word = one if n == 1 else (many or one + "s")
    shown = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{shown} {word}"


def check_count(value: object, path: str, minimum: int = 0) -> int:
    """An int at least ``minimum``; raises :class:`InvalidInput` naming ``path`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(path, f"must be a whole number of at least {minimum}")
    return value


def check_number(value: object, path: str, minimum: float = 0.0, *, above: bool = False) -> float:
    """A finite int or float at least (or, with ``above``, above) ``minimum``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, Decimal))
        or not math.isfinite(value)
        or value < minimum
        or (above and value == minimum)
    ):
        relation = "above" if above else "at least"
        raise InvalidInput(path, f"must be a number {relation} {minimum:g}")
    return float(value)
