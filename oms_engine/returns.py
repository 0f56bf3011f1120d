"""Where a mailed return goes, or whether the customer keeps it (refund without return).

Data -> rules -> objective -> choice:

- data: the return's lines, the candidate nodes with the label cost from this customer and
  their handling cost, each SKU's outlook per node (:mod:`oms_engine.returns_model`);
- rules: the customer sends at most one parcel of sellable items and, when some items are
  defective (the policy's ``triage_conditions``), one parcel of those to a triage node - one
  parcel when the two go to the same node; items worth more than ``keep_it_max_value`` always
  come back;
- objective: the value recovered (each item's value where it lands, less its handling and
  its weight's share of the label) less the labels, less ``keep_it_below`` per parcel (a
  return must recover at least that much more than it costs to be worth asking for);
- choice: every (sellable destination, triage destination) pair is scored - an item goes in
  its group's parcel when it recovers more than it adds to the costs; the best pair wins, ties
  to fewer parcels, then to node ids. The runner-up is the best pair with other destinations,
  and the decision says by how much and why it lost.
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

LineAction = Literal["send", "keep"]


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """What happens to one line of the return: ``send`` to ``node``, or ``keep`` (the
    customer keeps it; refund without return). ``value``: what it is worth there; ``cost``:
    its handling and its weight's share of the label; ``net = value - cost``."""

    sku: str
    quantity: int
    action: LineAction
    node: str | None
    value: Decimal
    cost: Decimal
    net: Decimal
    reason: Reason


@dataclass(frozen=True, slots=True)
class ReturnParcel:
    """One return label: to ``node``, with these (sku, quantity) lines, costing
    ``label_cost`` (the label's fixed part; the weight's part is in the lines' costs)."""

    node: str
    lines: tuple[tuple[str, int], ...]
    label_cost: Decimal


@dataclass(frozen=True, slots=True)
class ReturnAlternative:
    """The best other choice: its destinations (sellable items, defective items; ``None``
    is "kept"), what it would recover, and why it lost, in words."""

    sell_node: str | None
    triage_node: str | None
    net_value: Decimal
    reason: Reason


@dataclass(frozen=True, slots=True)
class MailReturnDecision:
    """Where a mailed return goes: one line per return line, the labels to issue
    (``parcels``, none when the customer keeps everything), the ``net_value`` recovered
    (values less handling and labels), a ``summary`` and the ``runner_up``."""

    return_id: str
    lines: tuple[ReturnLine, ...]
    parcels: tuple[ReturnParcel, ...]
    net_value: Decimal
    summary: Reason
    runner_up: ReturnAlternative | None


@dataclass(slots=True)
class _Part:
    """One group of items (sellable or triage) sent to one node."""

    node: ReturnNode
    lines: list  # (item index, value Decimal, cost Decimal, valuation or None)
    net: Decimal


def _mandatory(policy: ReturnPolicy, item: ReturnItem) -> bool:
    if not policy.keep_it:
        return True
    cap = policy.keep_it_max_value
    return cap is not None and item.unit_value > cap


#: Lines of one SKU in one return whose subsets are all tried (2**n); past it, dearest first.
_EXACT_SAME_SKU = 6


@dataclass(frozen=True, slots=True)
class _Spec:
    """A return line as the search reads it, worked out once per decision."""

    index: int
    item: ReturnItem
    unit: Decimal  # one unit's value new, scaled by its condition
    kg: Decimal  # the line's weight
    must: bool  # must come back


def _queues(policy, items, group) -> list[list[_Spec]]:
    """The group's lines by SKU (in line order), each SKU's lines dearest first."""
    by_sku: dict[str, list[_Spec]] = {}
    for i in group:
        item = items[i]
        spec = _Spec(
            i,
            item,
            item.unit_value * grade_share(policy, item.condition),
            Decimal(repr(item.weight_kg)) * item.quantity,
            _mandatory(policy, item),
        )
        by_sku.setdefault(item.sku, []).append(spec)
    return [sorted(q, key=lambda sp: (-sp.unit, sp.index)) for q in by_sku.values()]


def _part(policy, queues, node: ReturnNode, outlooks, triage: bool) -> _Part | None:
    """The group's items worth sending to ``node``: those recovering more than they cost,
    and the ones that must come back.

    Units of one SKU reaching a node queue behind its stock, the dearest first (ties in line
    order), so sending a cheap line can push a dear one back: for a SKU on several lines
    every subset of them is tried (up to :data:`_EXACT_SAME_SKU` lines)."""
    chosen = []
    for queue in queues:
        chosen.extend(_best_lines(policy, queue, node, outlooks, triage))
    if not chosen:
        return None
    chosen.sort(key=lambda line: line[0])
    net = sum((value - cost for _i, value, cost, _v in chosen), ZERO)
    return _Part(node, chosen, net)


def _best_lines(policy, queue: list[_Spec], node, outlooks, triage):
    """The lines of one SKU to send to ``node``: (index, value, cost, valuation)."""
    if len(queue) == 1:  # the common case: one line of the SKU
        spec = queue[0]
        row = _line(policy, spec, node, outlooks, triage, 0)
        return [(spec.index, *row)] if row[0] - row[1] > 0 or spec.must else []
    free = [spec for spec in queue if not spec.must]
    if len(free) > _EXACT_SAME_SKU:
        subsets = [None]  # dearest first, each line while it adds value
    else:
        subsets = [
            {sp.index for k, sp in enumerate(free) if mask >> k & 1}
            for mask in range(1 << len(free))
        ]
    best, best_net = [], None
    for subset in subsets:
        rows, net, ahead = [], ZERO, 0
        for spec in queue:
            row = _line(policy, spec, node, outlooks, triage, ahead)
            gain = row[0] - row[1]
            if spec.must or (gain > 0 if subset is None else spec.index in subset):
                rows.append((spec.index, *row))
                net += gain
                ahead += spec.item.quantity
        # the best subset; ties to fewer lines sent, then to the earlier subset
        if best_net is None or net > best_net or (net == best_net and len(rows) < len(best)):
            best, best_net = rows, net
    return best


def _line(policy, spec: _Spec, node, outlooks, triage: bool, ahead: int):
    """(value, cost, valuation) of one line at ``node``, ``ahead`` units of its SKU in front
    of it in the same parcel; the cost is handling and the line's share of the label by
    weight."""
    item = spec.item
    if triage:
        valuation, value = None, cents(spec.unit * item.quantity)
    else:
        outlook = outlook_of(outlooks, item.sku, node.id)
        valuation = value_at(policy, spec.unit, item.quantity, outlook, ahead)
        value = valuation.value
    weight_cost = cents(node.cost_per_kg * spec.kg)
    return value, node.handling_cost * item.quantity + weight_cost, valuation


def route_mail_return(
    policy: ReturnPolicy,
    return_id: str,
    items: tuple[ReturnItem, ...],
    nodes: tuple[ReturnNode, ...],
    outlooks: Outlooks,
) -> MailReturnDecision:
    """Decide where a mailed return goes (or that the customer keeps it), explained.

    ``nodes``: the candidates with this customer's label costs; ``outlooks``: each SKU's
    sales and stock per node. Raises :class:`InvalidInput` when an item that must come back
    has no node to go to.
    """
    policy = checked_policy(policy)
    items = check_items(items)
    nodes = tuple(sorted((n for n in check_nodes(nodes) if n.accepts_returns), key=lambda n: n.id))
    triage_group = [i for i, it in enumerate(items) if it.condition in policy.triage_conditions]
    sell_group = [i for i in range(len(items)) if i not in triage_group]
    sell_parts = _options(policy, items, sell_group, nodes, outlooks, triage=False)
    triage_nodes = tuple(n for n in nodes if n.triage)
    triage_parts = _options(policy, items, triage_group, triage_nodes, outlooks, triage=True)
    threshold = policy.keep_it_below
    scored = []
    for sell in sell_parts:
        for tri in triage_parts:
            net, parcels = _score(sell, tri)
            key = (-(net - threshold * parcels), parcels, _id(sell), _id(tri))
            scored.append((key, net, sell, tri))
    if not scored:
        raise InvalidInput("nodes", "no node takes the items that must come back")
    scored.sort(key=lambda row: row[0])
    _key, net, sell, tri = scored[0]
    lines = _lines(policy, items, sell, tri)
    parcels = _parcels(items, sell, tri)
    runner = next(
        (row for row in scored[1:] if (_id(row[2]), _id(row[3])) != (_id(sell), _id(tri))), None
    )
    currency = policy.currency.upper()
    summary = _summary(parcels, net, currency, policy, (sell, tri))
    alternative = None
    if runner is not None:
        alternative = _runner_up(runner, (net, sell, tri), currency)
    return MailReturnDecision(return_id, lines, parcels, net, summary, alternative)


def _options(policy, items, group, nodes, outlooks, triage: bool) -> list:
    """The group's possible destinations: ``None`` (kept) where allowed, then every node
    with something worth sending. A group with nothing in it has only ``None``."""
    if not group:
        return [None]
    options = []
    queues = _queues(policy, items, group)
    if not any(spec.must for queue in queues for spec in queue):
        options.append(None)
    for node in nodes:
        part = _part(policy, queues, node, outlooks, triage)
        if part is not None:
            options.append(part)
    return options


def _id(part: _Part | None) -> str:
    return "" if part is None else part.node.id


def _score(sell: _Part | None, tri: _Part | None) -> tuple[Decimal, int]:
    """(net value recovered, labels) of a pair: one label when both go to one node."""
    net, parcels = ZERO, 0
    for part in (sell, tri):
        if part is not None:
            net += part.net
    if sell is not None and tri is not None and sell.node.id == tri.node.id:
        return net - sell.node.parcel_cost, 1
    for part in (sell, tri):
        if part is not None:
            net -= part.node.parcel_cost
            parcels += 1
    return net, parcels


def _lines(policy, items, sell, tri) -> tuple[ReturnLine, ...]:
    sent = {}
    for part, triage in ((sell, False), (tri, True)):
        if part is not None:
            for i, value, cost, valuation in part.lines:
                sent[i] = (part.node, value, cost, valuation, triage)
    currency = policy.currency.upper()
    out = []
    for i, item in enumerate(items):
        label = item.name or item.sku
        if i not in sent:
            text = (
                f"{item.quantity} x {label}: the customer keeps it, sending it back would "
                "recover too little for what it costs."
            )
            keep = reason("keep_it", text, sku=item.sku)
            out.append(ReturnLine(item.sku, item.quantity, "keep", None, ZERO, ZERO, ZERO, keep))
            continue
        node, value, cost, valuation, triage = sent[i]
        where = node.name or node.id
        worth = money_text(value, currency)
        if triage:
            text = (
                f"{item.quantity} x {label} ({GRADE_WORDS[item.condition]}) goes to {where} "
                f"for triage, worth {worth} after repair or a supplier claim."
            )
            code = "to_triage"
        else:
            why = value_words(valuation, item.quantity, policy)
            text = f"{item.quantity} x {label} goes to {where}: worth {worth}, {why}."
            code = "to_node"
        why = reason(code, text, sku=item.sku, node=node.id, value=value, cost=cost)
        out.append(
            ReturnLine(item.sku, item.quantity, "send", node.id, value, cost, value - cost, why)
        )
    return tuple(out)


def _parcels(items, sell, tri) -> tuple[ReturnParcel, ...]:
    by_node: dict[str, tuple[ReturnNode, list]] = {}
    for part in (sell, tri):
        if part is not None:
            entry = by_node.setdefault(part.node.id, (part.node, []))
            entry[1].extend((items[i].sku, items[i].quantity) for i, *_rest in part.lines)
    return tuple(
        ReturnParcel(node_id, tuple(lines), node.parcel_cost)
        for node_id, (node, lines) in sorted(by_node.items())
    )


def _summary(parcels, net, currency: str, policy: ReturnPolicy, chosen) -> Reason:
    if not parcels:
        more = ""
        if policy.keep_it_below > 0:
            more = f" at least {money_text(policy.keep_it_below, currency)}"
        text = (
            "The customer keeps everything and is refunded without a return: sending it back "
            f"would not recover{more} more than the label and handling cost."
        )
        return reason("keep_it", text, net_value=net)
    where = _describe(*chosen)
    labels = "one label" if len(parcels) == 1 else f"{len(parcels)} labels"
    text = f"Return to {where} ({labels}), recovering {money_text(net, currency)} net."
    return reason("return_routed", text, net_value=net, nodes=tuple(p.node for p in parcels))


def _describe(sell, tri) -> str:
    parts = []
    if sell is not None:
        parts.append(sell.node.name or sell.node.id)
    if tri is not None and (sell is None or tri.node.id != sell.node.id):
        parts.append(f"{tri.node.name or tri.node.id} for triage")
    return " and ".join(parts) or "keeping everything"


def _runner_up(runner, chosen, currency) -> ReturnAlternative:
    _key, net, sell, tri = runner
    best_net, best_sell, best_tri = chosen
    gap = best_net - net
    value = sum((v for p in (sell, tri) if p for _i, v, _c, _val in p.lines), ZERO)
    best_value = sum((v for p in (best_sell, best_tri) if p for _i, v, _c, _val in p.lines), ZERO)
    costs = value - net
    best_costs = best_value - best_net
    why = []
    if best_value > value:
        why.append(f"the items are worth {money_text(best_value - value, currency)} less there")
    if costs > best_costs:
        why.append(f"labels and handling cost {money_text(costs - best_costs, currency)} more")
    if not why:
        why.append("it recovers as much, and ties go to fewer labels, then to the node's name")
    what = _describe(sell, tri)
    text = f"Sending to {what} would recover {money_text(gap, currency)} less: {' and '.join(why)}."
    return ReturnAlternative(
        _id(sell) or None,
        _id(tri) or None,
        net,
        reason("runner_up", text, net_value=net, gap=gap),
    )


__all__ = [
    "MailReturnDecision",
    "ReturnAlternative",
    "ReturnLine",
    "ReturnParcel",
    "route_mail_return",
]
