"""A return at the till: does each unit stay in this store's stock, go on to another node (an
inter-warehouse transfer), or go to triage?

Each unit goes where it recovers most: its value there (:func:`oms_engine.returns_model.value_at`,
counting the units of the same SKU sent there before it) less the transfer and the handling.
A unit stays unless sending it on gains at least the policy's ``transfer_min_gain``. Items in
the policy's ``triage_conditions`` go to a triage node (staying when the store is one).
Because a node's value for one more unit never grows with the units already sent there, and
the costs are per unit, placing the units one by one, each where it recovers most, is the
best placement of a return whose lines are of different SKUs (the tests check it by brute
force); lines of one SKU are placed dearest first, as they queue at a node.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from oms_engine.errors import InvalidInput
from oms_engine.returns_model import (
    GRADE_WORDS,
    Outlooks,
    ReturnItem,
    ReturnNode,
    ReturnPolicy,
    check_items,
    check_nodes,
    checked_policy,
    grade_share,
    outlook_of,
    reason,
    value_at,
    value_words,
)
from oms_engine.wording import ZERO, Reason, cents, money_text

StoreAction = Literal["stay", "transfer", "triage"]


@dataclass(frozen=True, slots=True)
class StoreReturnLine:
    """Units of one return line that go the same way: ``stay`` in the store, ``transfer`` to
    ``node``, or ``triage`` (at ``node``; the store itself when it triages). ``value``, ``cost``
    (transfer and handling) and ``net`` are for these units together. ``runner_up`` says
    where else they could have gone and why that lost (``None`` when there was no choice)."""

    sku: str
    quantity: int
    action: StoreAction
    node: str
    value: Decimal
    cost: Decimal
    net: Decimal
    reason: Reason
    runner_up: Reason | None


@dataclass(frozen=True, slots=True)
class StoreReturnDecision:
    """Where the units of a return made at ``store`` go, and the net value recovered."""

    return_id: str
    store: str
    lines: tuple[StoreReturnLine, ...]
    net_value: Decimal
    summary: Reason


def route_store_return(
    policy: ReturnPolicy,
    return_id: str,
    store: str,
    items: tuple[ReturnItem, ...],
    nodes: tuple[ReturnNode, ...],
    outlooks: Outlooks,
) -> StoreReturnDecision:
    """Decide, unit by unit, whether a return made at ``store`` stays there, is transferred on
    or goes to triage, with the reason and the runner-up for each.

    ``nodes`` must include the store itself (its handling cost; ``transfer_unit_cost`` of the
    others is from this store). Raises :class:`InvalidInput` when the store is not among them
    or a defective item has no triage node.
    """
    policy = checked_policy(policy)
    items = check_items(items)
    nodes = check_nodes(nodes)
    by_id = {n.id: n for n in nodes}
    if store not in by_id:
        raise InvalidInput("store", f"the store {store!r} must be among the nodes")
    candidates = [n for n in nodes if n.accepts_returns or n.id == store]
    min_gain = policy.transfer_min_gain
    sent: dict[tuple[str, str], int] = {}
    placed: dict[tuple[int, str], list] = {}  # (line, node) -> [units, value, cost, runner]
    # units of one SKU queue at a node dearest first: the dearer lines are placed first
    order = sorted(range(len(items)), key=lambda i: (-_unit(policy, items[i]), i))
    for i in order:
        item = items[i]
        triage = item.condition in policy.triage_conditions
        pool = [n for n in candidates if n.triage] if triage else candidates
        if not pool:
            raise InvalidInput(f"items[{i}].condition", "no triage node takes defective items")
        unit = _unit(policy, item)
        for _each in range(item.quantity):
            options = []
            for node in pool:
                value = _unit_value(policy, unit, item, node, outlooks, sent, triage)
                cost = node.handling_cost + (ZERO if node.id == store else node.transfer_unit_cost)
                hurdle = ZERO if node.id == store else min_gain
                # best net first; the store wins ties, then node ids
                key = (-(value - cost - hurdle), node.id != store, node.id)
                options.append((*key, value, cost, hurdle))
            options.sort(key=lambda o: o[:3])
            best = options[0]
            sent[(item.sku, best[2])] = sent.get((item.sku, best[2]), 0) + 1
            entry = placed.setdefault((i, best[2]), [0, ZERO, ZERO, None])
            entry[0] += 1
            entry[1] += best[3]
            entry[2] += best[4]
            if entry[3] is None and len(options) > 1:
                entry[3] = (best, options[1])
    lines = tuple(
        _line(policy, items[i], by_id[node_id], store, entry, outlooks, by_id)
        for (i, node_id), entry in sorted(placed.items(), key=lambda kv: kv[0][0])
    )
    net = sum((line.net for line in lines), ZERO)
    moved = sum(line.quantity for line in lines if line.node != store)
    stays = sum(line.quantity for line in lines if line.node == store)
    text = (
        f"{stays} unit(s) stay in the store, {moved} go on; "
        f"{money_text(net, policy.currency.upper())} recovered net."
    )
    summary = reason("store_return_routed", text, net_value=net, moved=moved, stays=stays)
    return StoreReturnDecision(return_id, store, lines, net, summary)


def _unit(policy: ReturnPolicy, item: ReturnItem) -> Decimal:
    return item.unit_value * grade_share(policy, item.condition)


def _unit_value(policy, unit: Decimal, item, node, outlooks, sent, triage: bool) -> Decimal:
    """One more unit's value at ``node`` after the units of the return already sent there."""
    if triage:
        return cents(unit)
    before = sent.get((item.sku, node.id), 0)
    outlook = outlook_of(outlooks, item.sku, node.id)
    return value_at(policy, unit, 1, outlook, before).value


def _line(policy, item, node, store, entry, outlooks, by_id) -> StoreReturnLine:
    units, value, cost, runner = entry
    currency = policy.currency.upper()
    label = item.name or item.sku
    where = node.name or node.id
    triage = item.condition in policy.triage_conditions
    if triage:
        action, code = "triage", "to_triage"
        text = f"{units} x {label} ({GRADE_WORDS[item.condition]}) goes to triage at {where}."
    elif node.id == store:
        action, code = "stay", "stays_in_store"
        text = f"{units} x {label} stays in the store, worth {money_text(value, currency)}."
    else:
        action, code = "transfer", "transfer_on"
        outlook = outlook_of(outlooks, item.sku, node.id)
        why = value_words(value_at(policy, Decimal(1), units, outlook), units, policy)
        text = (
            f"{units} x {label} goes on to {where}, worth {money_text(value, currency)} "
            f"there ({why}), after a transfer and handling of {money_text(cost, currency)}."
        )
    params = {"sku": item.sku, "node": node.id, "units": units, "value": value, "cost": cost}
    lost = None if runner is None else _runner_up(runner, currency, by_id)
    why = Reason(code, text, params)
    return StoreReturnLine(item.sku, units, action, node.id, value, cost, value - cost, why, lost)


def _runner_up(runner, currency: str, by_id) -> Reason:
    """Why the second-best place for the first unit lost, in words."""
    best, other = runner
    gap = other[0] - best[0]  # both keys hold minus the net after the transfer hurdle
    node = by_id[other[2]]
    worth, dearer = best[3] - other[3], other[4] - best[4]
    why = []
    if worth > 0:
        why.append(f"it is worth {money_text(worth, currency)} less there")
    if dearer > 0:
        why.append(f"moving and handling it costs {money_text(dearer, currency)} more")
    if other[5] > 0:
        why.append(f"a transfer must gain at least {money_text(other[5], currency)}")
    if not why:
        why.append("ties go to the store, then to the node's name")
    text = (
        f"{node.name or node.id} would recover {money_text(gap, currency)} less a unit: "
        f"{', and '.join(why)}."
    )
    return Reason("runner_up", text, {"node": node.id, "gap": gap})


__all__ = ["StoreReturnDecision", "StoreReturnLine", "route_store_return"]
