"""The risk rules a channel can weigh, one frozen dataclass each, with their checks.

A rule is data: its ``weight`` (the points it adds when it fires) and its settings. What a rule
reads lives in :class:`oms_engine.risk.RiskFacts`, which the caller gathers; how the points add
up to an outcome lives in :mod:`oms_engine.risk`. ``ref`` is the caller's id of the rule (the
addon's record id), copied into every reason the rule gives, so a reason links back to the rule
that gave it.

Each rule's :meth:`check` raises :class:`~oms_engine.errors.InvalidInput` naming the setting
and saying what is wrong in words the addon shows when the rule is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.wording import check_count, check_number, to_money


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as the rules compare it (case, spaces and punctuation ignored)."""

    country: str
    postal_code: str = ""
    city: str = ""
    street: str = ""


_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def _squash(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def address_key(address: Address, level: str = "street") -> tuple[str, ...]:
    """The parts of ``address`` compared at ``level`` (``country``, ``postal_code`` or
    ``street``), normalised: two addresses match when their keys are equal."""
    key = (_squash(address.country),)
    if level in ("postal_code", "street"):
        key += (_squash(address.postal_code),)
    if level == "street":
        key += (_squash(address.street),)
    return key


def normalize_email(email: str, *, ignore_plus_tags: bool = True) -> str:
    """``email`` lower-cased and trimmed; with ``ignore_plus_tags`` the ``+tag`` of the local
    part is dropped (``Jo+shop1@Example.com`` -> ``jo@example.com``), so one address cannot
    pass as many."""
    email = email.strip().casefold()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    if ignore_plus_tags:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"


def _check_weight(rule, path: str) -> None:
    check_number(rule.weight, f"{path}.weight", 0.0)


@dataclass(frozen=True, slots=True)
class LargeQuantityRule:
    """Fires when a line's quantity is unusually large for that product: at least ``factor``
    times its usual quantity per order and at least ``min_quantity`` units. Products sold in
    fewer than ``min_history`` earlier orders are not judged (their usual is not known yet)."""

    weight: float
    factor: float = 3.0
    min_quantity: int = 2
    min_history: int = 5
    ref: str = ""
    code: Literal["large_quantity"] = "large_quantity"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        if check_number(self.factor, f"{path}.factor", 1.0, above=True) > 1000:
            raise InvalidInput(f"{path}.factor", "must be at most 1000 times the usual")
        check_count(self.min_quantity, f"{path}.min_quantity", 1)
        check_count(self.min_history, f"{path}.min_history", 1)


@dataclass(frozen=True, slots=True)
class OrderValueRule:
    """Fires when the order is worth ``threshold`` or more (in the policy's currency)."""

    weight: float
    threshold: Decimal
    ref: str = ""
    code: Literal["order_value"] = "order_value"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        if to_money(self.threshold, f"{path}.threshold") <= 0:
            raise InvalidInput(f"{path}.threshold", "must be an amount above zero")


@dataclass(frozen=True, slots=True)
class FirstOrderRule:
    """Fires on a customer's first order (no earlier order known)."""

    weight: float
    ref: str = ""
    code: Literal["first_order"] = "first_order"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)


MismatchLevel = Literal["country", "postal_code", "street"]


@dataclass(frozen=True, slots=True)
class AddressMismatchRule:
    """Fires when billing and shipping addresses differ at ``level``: ``country`` (only a
    different country counts), ``postal_code`` (country or postal code) or ``street``."""

    weight: float
    level: MismatchLevel = "postal_code"
    ref: str = ""
    code: Literal["address_mismatch"] = "address_mismatch"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        if self.level not in ("country", "postal_code", "street"):
            raise InvalidInput(f"{path}.level", "must be country, postal_code or street")


@dataclass(frozen=True, slots=True)
class BlockListRule:
    """Fires when the e-mail address, its domain, or the billing or shipping address is on the
    block list. Entries are normalised once, when the rule is made (a block list of thousands
    costs one set look-up per order)."""

    weight: float
    emails: frozenset[str] = frozenset()
    email_domains: frozenset[str] = frozenset()
    addresses: frozenset[Address] = frozenset()
    ignore_plus_tags: bool = True
    ref: str = ""
    code: Literal["block_list"] = "block_list"
    email_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    domain_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    address_keys: frozenset[tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # a frozen dataclass sets its derived fields through object.__setattr__
        plus = self.ignore_plus_tags
        emails = frozenset(normalize_email(e, ignore_plus_tags=plus) for e in self.emails if e)
        domains = frozenset(d.strip().casefold().lstrip("@") for d in self.email_domains if d)
        object.__setattr__(self, "email_keys", emails)
        object.__setattr__(self, "domain_keys", domains)
        object.__setattr__(self, "address_keys", frozenset(map(address_key, self.addresses)))

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        for i, email in enumerate(sorted(self.emails)):
            local, at, domain = email.strip().rpartition("@")
            if not at or not local or "." not in domain:
                raise InvalidInput(f"{path}.emails[{i}]", f"{email!r} is not an e-mail address")
        for i, domain in enumerate(sorted(self.email_domains)):
            if "." not in domain or "@" in domain.strip().lstrip("@"):
                raise InvalidInput(f"{path}.email_domains[{i}]", f"{domain!r} is not a domain")
        for i, address in enumerate(sorted(self.addresses, key=address_key)):
            if not _squash(address.street) or not _squash(address.postal_code):
                raise InvalidInput(
                    f"{path}.addresses[{i}]", "a blocked address needs a street and postal code"
                )


VelocityScope = Literal["customer", "address"]


@dataclass(frozen=True, slots=True)
class VelocityRule:
    """Fires when more than ``max_orders`` orders (this one included) come within ``window``
    from one customer (``per="customer"``) or to one shipping address (``per="address"``)."""

    weight: float
    max_orders: int = 3
    window: timedelta = timedelta(hours=24)
    per: VelocityScope = "customer"
    ref: str = ""
    code: Literal["velocity"] = "velocity"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        check_count(self.max_orders, f"{path}.max_orders", 1)
        if not isinstance(self.window, timedelta) or not (
            timedelta(minutes=1) <= self.window <= timedelta(days=90)
        ):
            raise InvalidInput(f"{path}.window", "must be between one minute and 90 days")
        if self.per not in ("customer", "address"):
            raise InvalidInput(f"{path}.per", "must be customer or address")


@dataclass(frozen=True, slots=True)
class ShopVerdictRule:
    """The shop's own fraud verdict (Shopify's risk level): ``weight`` points for high risk,
    ``medium_weight`` for medium, none for low."""

    weight: float
    medium_weight: float = 0.0
    ref: str = ""
    code: Literal["shop_verdict"] = "shop_verdict"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        if check_number(self.medium_weight, f"{path}.medium_weight", 0.0) > self.weight:
            raise InvalidInput(f"{path}.medium_weight", "must not exceed the points for high risk")


@dataclass(frozen=True, slots=True)
class ExternalScoreRule:
    """An external risk service's score (0 = safe, 1 = certain fraud): fires at ``threshold``
    or above with ``weight`` times the score; ``no_answer_points`` when the service gave no
    score (down, timed out)."""

    weight: float
    threshold: float = 0.5
    no_answer_points: float = 0.0
    ref: str = ""
    code: Literal["external_score"] = "external_score"

    def check(self, path: str) -> None:
        """Raise :class:`InvalidInput` for a bad setting."""
        _check_weight(self, path)
        if check_number(self.threshold, f"{path}.threshold", 0.0) > 1:
            raise InvalidInput(f"{path}.threshold", "must be between 0 and 1")
        check_number(self.no_answer_points, f"{path}.no_answer_points", 0.0)


RiskRule = (
    LargeQuantityRule
    | OrderValueRule
    | FirstOrderRule
    | AddressMismatchRule
    | BlockListRule
    | VelocityRule
    | ShopVerdictRule
    | ExternalScoreRule
)

#: Rule class per code, for a caller that stores rules as (code, settings) records.
RULE_TYPES: dict[str, type] = {
    cls.__dataclass_fields__["code"].default: cls
    for cls in (
        LargeQuantityRule,
        OrderValueRule,
        FirstOrderRule,
        AddressMismatchRule,
        BlockListRule,
        VelocityRule,
        ShopVerdictRule,
        ExternalScoreRule,
    )
}
