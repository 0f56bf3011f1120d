"""Return routing (oms_engine.returns, returns_store): the value model, mailed returns with
"keep it" and triage, store returns, each cross-checked by brute force on small cases."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms_engine.errors import InvalidInput
from oms_engine.returns import route_mail_return
from oms_engine.returns_model import (
    Outlook,
    ReturnItem,
    ReturnNode,
    ReturnPolicy,
    check_return_policy,
    sell_chance,
    value_at,
    value_words,
)
from oms_engine.returns_store import route_store_return

D = Decimal
POLICY = ReturnPolicy("EUR", horizon_days=30, overstock_share=D("0.5"))
DC = ReturnNode("DC1", "DC Bad Hersfeld", D("4.50"), D("0.10"), D("1.50"), D("1.20"), triage=True)
BERLIN = ReturnNode("ST01", "Store Berlin", D("4.50"), D("0.10"), D("2.50"), D("2.00"))
LEIPZIG = ReturnNode("DC2", "DC Leipzig", D("4.90"), D("0.10"), D("1.50"), D("1.60"))
NODES = (DC, BERLIN, LEIPZIG)
JACKET = ReturnItem("JACKET", 1, D("49.90"), name="Jacket")
OUTLOOK = {
    "JACKET": {
        "DC1": Outlook(0.1, 40),  # 400 days of stock: overstocked
        "ST01": Outlook(0.5, 2),  # sells 15 in the horizon, holds 2
        "DC2": Outlook(1.0, 5),  # sells 30 in the horizon, holds 5
    }
}


def poisson_at_least(mean: float, m: int) -> float:
    """P(D >= m) for D ~ Poisson(mean), summed in log space (not the engine's recurrence)."""
    if m <= 0:
        return 1.0
    return 1.0 - sum(math.exp(k * math.log(mean) - mean - math.lgamma(k + 1)) for k in range(m))


def test_a_unit_keeps_full_value_with_the_chance_that_demand_reaches_it():
    full = D("49.90")
    assert value_at(POLICY, full, 1, Outlook(0.5, 2)).value == full  # 15 expected, 2 ahead
    assert value_at(POLICY, full, 1, Outlook(0.1, 40)).value == D("24.95")  # overstock
    assert value_at(POLICY, full, 1, Outlook()).value == D("24.95")  # no sales there
    # 30 expected sales, 29 units ahead: a coin toss
    chance = poisson_at_least(30, 30)
    even = value_at(POLICY, D(10), 1, Outlook(1.0, 29.6))
    assert even.selling == pytest.approx(chance, abs=1e-12)
    assert even.value == _cents(D(10) * (D(repr(chance)) + (1 - D(repr(chance))) / 2))
    assert value_words(even, 1, POLICY) == (
        "the chance it sells within 30 days there is 52% (stock covers 30 days)"
    )
    # two units: the second one is further back
    two = value_at(POLICY, D(10), 2, Outlook(0.05, 0))
    assert two.selling == pytest.approx(poisson_at_least(1.5, 1) + poisson_at_least(1.5, 2))
    # units sent there before take their place in the queue
    behind = value_at(POLICY, D(10), 1, Outlook(0.05, 0), on_top=2)
    assert behind.selling == pytest.approx(poisson_at_least(1.5, 3))


@pytest.mark.parametrize("mean", [0.3, 4.0, 49.0, 51.0, 200.0])
def test_the_sell_chance_matches_the_poisson_law(mean):
    for ahead in range(0, int(mean * 2) + 5, max(1, int(mean // 10))):
        exact = poisson_at_least(mean, ahead + 1)
        # exact below a mean of 50, a normal approximation above it
        assert sell_chance(mean, ahead) == pytest.approx(exact, abs=1e-9 if mean <= 50 else 0.02)


@settings(max_examples=200, deadline=None)
@given(
    sales=st.floats(0, 3),
    more_sales=st.floats(0, 3),
    stock=st.integers(0, 60),
    more_stock=st.integers(0, 20),
    quantity=st.integers(1, 4),
)
def test_value_grows_with_demand_shrinks_with_stock_and_each_unit_is_worth_less(
    sales, more_sales, stock, more_stock, quantity
):
    unit = D("20")
    base = value_at(POLICY, unit, quantity, Outlook(sales, stock))
    assert value_at(POLICY, unit, quantity, Outlook(sales + more_sales, stock)).value >= base.value
    assert value_at(POLICY, unit, quantity, Outlook(sales, stock + more_stock)).value <= base.value
    singles = [value_at(POLICY, unit, 1, Outlook(sales, stock), k).value for k in range(quantity)]
    assert singles == sorted(singles, reverse=True)
    assert unit * quantity / 2 <= base.value <= unit * quantity


def test_a_mailed_item_goes_where_it_is_worth_most_net_of_label_and_handling():
    decision = route_mail_return(POLICY, "R1", (JACKET,), NODES, OUTLOOK)
    (line,) = decision.lines
    assert (line.action, line.node, line.value, line.cost) == ("send", "DC2", D("49.90"), D("1.55"))
    assert decision.net_value == D("49.90") - D("1.55") - D("4.90")
    assert decision.parcels[0].node == "DC2" and decision.parcels[0].lines == (("JACKET", 1),)
    assert decision.summary.text == ("Return to DC Leipzig (one label), recovering EUR 43.45 net.")
    assert line.reason.text == (
        "1 x Jacket goes to DC Leipzig: worth EUR 49.90, it sells within 30 days there "
        "(stock covers 5 days)."
    )
    runner = decision.runner_up
    assert (runner.sell_node, runner.net_value) == ("ST01", D("42.85"))
    assert runner.reason.text == (
        "Sending to Store Berlin would recover EUR 0.60 less: labels and handling cost "
        "EUR 0.60 more."
    )


def test_an_overstocked_node_loses_on_value_and_says_so():
    outlook = {"JACKET": {"DC1": Outlook(0.1, 40), "DC2": Outlook(0.01, 30)}}
    decision = route_mail_return(POLICY, "R1", (JACKET,), (DC, LEIPZIG), outlook)
    assert decision.lines[0].node == "DC1"  # both overstocked: the cheaper label wins
    outlook["JACKET"]["DC2"] = Outlook(1, 0)
    decision = route_mail_return(POLICY, "R1", (JACKET,), (DC, LEIPZIG), outlook)
    assert decision.lines[0].node == "DC2"
    assert "worth EUR 24.95 less there" in decision.runner_up.reason.text


def test_odoo_floats_give_the_same_decision_as_decimals():
    def as_floats(node):
        return replace(
            node,
            parcel_cost=float(node.parcel_cost),
            cost_per_kg=float(node.cost_per_kg),
            handling_cost=float(node.handling_cost),
        )

    floats = replace(POLICY, overstock_share=0.5, keep_it_below=1.0)
    jacket = replace(JACKET, unit_value=49.9)
    decided = route_mail_return(floats, "R1", (jacket,), tuple(map(as_floats, NODES)), OUTLOOK)
    expected = route_mail_return(
        replace(POLICY, keep_it_below=D(1)), "R1", (JACKET,), NODES, OUTLOOK
    )
    assert decided == expected
    stays = route_store_return(
        floats, "S1", "ST01", (jacket,), tuple(map(as_floats, NODES)), OUTLOOK
    )
    assert stays == route_store_return(POLICY, "S1", "ST01", (JACKET,), NODES, OUTLOOK)


def test_keep_it_when_the_label_costs_more_than_the_item_recovers():
    socks = ReturnItem("SOCKS", 1, D("3.00"), name="Socks")
    decision = route_mail_return(POLICY, "R2", (socks,), NODES, {})
    assert decision.parcels == ()
    assert decision.lines[0].action == "keep"
    assert decision.summary.code == "keep_it"
    # ... but not when the policy says everything comes back
    decision = route_mail_return(replace(POLICY, keep_it=False), "R2", (socks,), NODES, {})
    assert decision.lines[0].action == "send"
    # ... nor for an item worth more than the keep-it ceiling
    pricey = replace(socks, unit_value=D("8.00"))
    ceiling = replace(POLICY, keep_it_max_value=D("5"))
    assert route_mail_return(ceiling, "R2", (pricey,), NODES, {}).lines[0].action == "send"


def test_keep_it_below_asks_a_return_to_recover_more_than_it_costs():
    belt = ReturnItem("BELT", 1, D("15.00"))  # worth 7.50 anywhere: 1.45 net at DC1
    assert route_mail_return(POLICY, "R3", (belt,), NODES, {}).parcels
    strict = replace(POLICY, keep_it_below=D("2.00"))
    assert not route_mail_return(strict, "R3", (belt,), NODES, {}).parcels


def test_a_cheap_item_rides_along_in_a_parcel_that_goes_anyway():
    socks = ReturnItem("SOCKS", 1, D("5.00"), name="Socks")  # 2.50 overstock - 1.55 handling
    decision = route_mail_return(POLICY, "R4", (JACKET, socks), NODES, OUTLOOK)
    assert [line.action for line in decision.lines] == ["send", "send"]
    assert len(decision.parcels) == 1


def test_two_lines_of_one_sku_queue_dearest_first_and_a_heavy_one_may_stay_home():
    # One SKU, a node that sells about its stock: the first returned unit has a 52% chance
    # to sell, the second 45%. The dear line is heavy: sending it gains a little, but it
    # would take the better place from the light line - better keep it and send the other.
    node = ReturnNode("N", cost_per_kg=D("0.10"))
    outlook = {"X": {"N": Outlook(1.0, 29)}}
    heavy = ReturnItem("X", 1, D("10.00"), weight_kg=74.0)
    light = ReturnItem("X", 1, D("9.99"), weight_kg=0.1)
    decision = route_mail_return(POLICY, "R7", (heavy, light), (node,), outlook)
    assert [line.action for line in decision.lines] == ["keep", "send"]
    front = value_at(POLICY, D("9.99"), 1, Outlook(1.0, 29)).value
    assert decision.net_value == front - D("0.01")
    # sending both (the heavy one in front, as they queue) would recover less
    both = value_at(POLICY, D("10.00"), 1, Outlook(1.0, 29)).value - D("7.40")
    both += value_at(POLICY, D("9.99"), 1, Outlook(1.0, 29), on_top=1).value - D("0.01")
    assert D(0) < both < decision.net_value


def test_defective_items_go_to_triage_in_their_own_parcel_or_share_one():
    kettle = ReturnItem("KETTLE", 1, D("80.00"), "defective", name="Kettle")
    decision = route_mail_return(POLICY, "R5", (JACKET, kettle), NODES, OUTLOOK)
    assert [(line.node, line.reason.code) for line in decision.lines] == [
        ("DC2", "to_node"),
        ("DC1", "to_triage"),
    ]
    assert [p.node for p in decision.parcels] == ["DC1", "DC2"]
    assert decision.lines[1].value == D("16.00")  # 20% recovered by repair or a claim
    assert "for triage" in decision.summary.text and "2 labels" in decision.summary.text
    # when the triage node is also the best place for the rest, one parcel carries both
    outlook = {"JACKET": {"DC1": Outlook(1, 0)}}
    decision = route_mail_return(POLICY, "R5", (JACKET, kettle), NODES, outlook)
    assert [(p.node, p.lines) for p in decision.parcels] == [
        ("DC1", (("JACKET", 1), ("KETTLE", 1)))
    ]


def test_an_item_that_must_come_back_with_nowhere_to_go_is_refused():
    kettle = ReturnItem("KETTLE", 1, D("80.00"), "defective")
    with pytest.raises(InvalidInput, match="no node takes"):
        route_mail_return(replace(POLICY, keep_it=False), "R6", (kettle,), (BERLIN,), {})


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        (replace(POLICY, overstock_share=D("1.5")), "overstock_share"),
        (replace(POLICY, horizon_days=0), "horizon_days"),
        (replace(POLICY, triage_conditions=frozenset({"as_new"})), "triage_conditions"),
        (replace(POLICY, triage_conditions=frozenset({"soggy"})), "triage_conditions[0]"),
        (replace(POLICY, keep_it_below=D(-1)), "keep_it_below"),
    ],
)
def test_a_bad_return_policy_names_its_setting(bad, path):
    with pytest.raises(InvalidInput) as error:
        check_return_policy(bad)
    assert error.value.path == path


def test_bad_lines_and_nodes_name_their_field():
    with pytest.raises(InvalidInput, match=r"items\[0\]\.quantity"):
        route_mail_return(POLICY, "R", (replace(JACKET, quantity=0),), NODES, {})
    with pytest.raises(InvalidInput, match=r"nodes\[1\]\.id"):
        route_mail_return(POLICY, "R", (JACKET,), (DC, DC), {})
    with pytest.raises(InvalidInput, match=r"nodes\[0\]\.parcel_cost"):
        route_mail_return(POLICY, "R", (JACKET,), (replace(DC, parcel_cost=D(-1)),), {})


# --------------------------------------------------------------------------- at the store


def test_at_the_store_an_item_stays_where_it_sells():
    decision = route_store_return(POLICY, "S1", "ST01", (JACKET,), NODES, OUTLOOK)
    (line,) = decision.lines
    assert (line.action, line.node, line.net) == ("stay", "ST01", D("47.40"))
    assert line.reason.text == "1 x Jacket stays in the store, worth EUR 49.90."
    assert line.runner_up.text == (
        "DC Leipzig would recover EUR 0.60 less a unit: moving and handling it costs EUR 0.60 more."
    )


def test_at_the_store_each_unit_goes_where_it_recovers_most():
    outlook = {"JACKET": {"ST01": Outlook(0.1, 2), "DC2": Outlook(0.05, 0)}}
    three = replace(JACKET, quantity=3)
    # net of moving (DC2: 3.10) or handling (store: 2.50), unit after unit:
    #   DC2   49.90 x (1 + P(D >= k)) / 2 - 3.10, D ~ Poisson(1.5): 41.23, 32.88, 26.62
    #   store 49.90 x (1 + P(D >= 2 + k)) / 2 - 2.50, D ~ Poisson(3): 36.84, 31.25, 27.06
    # the first unit goes on, the second stays, the third goes on (32.88 > 31.25)
    decision = route_store_return(POLICY, "S2", "ST01", (three,), NODES, outlook)
    moves = {(line.action, line.node): line.quantity for line in decision.lines}
    assert moves == {("stay", "ST01"): 1, ("transfer", "DC2"): 2}
    transfer = next(line for line in decision.lines if line.action == "transfer")
    assert transfer.cost == D("6.20")
    assert "goes on to DC Leipzig" in transfer.reason.text
    assert decision.net_value == D("41.23") + D("32.88") + D("36.84")
    # a transfer must gain at least the policy's hurdle
    picky = replace(POLICY, transfer_min_gain=D("25"))
    decision = route_store_return(picky, "S2", "ST01", (three,), NODES, outlook)
    assert {line.action for line in decision.lines} == {"stay"}
    assert "a transfer must gain at least EUR 25.00" in decision.lines[0].runner_up.text


def test_at_the_store_a_defective_item_goes_to_triage():
    kettle = ReturnItem("KETTLE", 1, D("80.00"), "defective")
    decision = route_store_return(POLICY, "S3", "ST01", (kettle,), NODES, {})
    assert [(line.action, line.node) for line in decision.lines] == [("triage", "DC1")]
    with pytest.raises(InvalidInput, match="no triage node"):
        route_store_return(POLICY, "S3", "ST01", (kettle,), (BERLIN, LEIPZIG), {})
    with pytest.raises(InvalidInput, match="must be among the nodes"):
        route_store_return(POLICY, "S3", "ST99", (kettle,), NODES, {})


# --------------------------------------------------------------------------- brute force


def _cents(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _worth(policy, unit: Decimal, qty: int, outlook: Outlook, before: int) -> Decimal:
    """The value model itself (tested above against the Poisson law): the brute force checks
    the choice, not the valuation."""
    return value_at(policy, unit, qty, outlook, before).value


SHARES = {"as_new": D(1), "opened": D("0.8"), "damaged": D("0.4"), "defective": D("0.2")}


def brute_force_mail(policy, items, nodes, outlooks):
    """The best objective over every assignment of lines to a node or to "keep", with at most
    one node for the sellable lines and one (triage) node for the others. Units of a SKU
    reaching a node queue behind its stock dearest first (ties in line order)."""
    accepting = [n for n in nodes if n.accepts_returns]
    by_id = {n.id: n for n in nodes}
    best = None
    for assignment in itertools.product([None, *accepting], repeat=len(items)):
        sell_nodes, triage_nodes, total = set(), set(), D(0)
        feasible = True
        queues: dict[tuple[str, str], list] = {}
        for index, (item, node) in enumerate(zip(items, assignment, strict=True)):
            triage = item.condition in policy.triage_conditions
            must = not policy.keep_it or (
                policy.keep_it_max_value is not None and item.unit_value > policy.keep_it_max_value
            )
            if node is None:
                feasible &= not must
                continue
            if triage and not node.triage:
                feasible = False
                break
            (triage_nodes if triage else sell_nodes).add(node.id)
            unit = item.unit_value * SHARES[item.condition]
            if triage:
                total += _cents(unit * item.quantity)
            else:
                queues.setdefault((item.sku, node.id), []).append((-unit, index, unit, item))
            kg = _cents(node.cost_per_kg * D(repr(item.weight_kg)) * item.quantity)
            total -= node.handling_cost * item.quantity + kg
        if not feasible or len(sell_nodes) > 1 or len(triage_nodes) > 1:
            continue
        for (sku, node_id), queue in queues.items():
            ahead = 0
            for _neg, _index, unit, item in sorted(queue):
                outlook = outlooks.get(sku, {}).get(node_id, Outlook())
                total += _worth(policy, unit, item.quantity, outlook, ahead)
                ahead += item.quantity
        labels = sell_nodes | triage_nodes
        total -= sum((by_id[n].parcel_cost for n in labels), D(0))
        total -= policy.keep_it_below * len(labels)
        if best is None or total > best:
            best = total
    return best


money = st.decimals(0, 12, places=2)


@st.composite
def mail_cases(draw):
    n_nodes = draw(st.integers(1, 3))
    nodes = tuple(
        ReturnNode(
            f"N{k}",
            parcel_cost=draw(money),
            cost_per_kg=draw(st.decimals(0, 1, places=2)),
            handling_cost=draw(st.decimals(0, 4, places=2)),
            accepts_returns=draw(st.booleans()) or k == 0,
            triage=draw(st.booleans()),
        )
        for k in range(n_nodes)
    )
    skus = draw(st.lists(st.sampled_from("ABC"), min_size=1, max_size=3))
    items = tuple(
        ReturnItem(
            sku,
            draw(st.integers(1, 3)),
            draw(st.decimals(0, 60, places=2)),
            draw(st.sampled_from(("as_new", "as_new", "opened", "damaged", "defective"))),
            draw(st.sampled_from((0.2, 1.5, 4.0))),
        )
        for sku in skus
    )
    outlooks = {
        sku: {
            n.id: Outlook(draw(st.sampled_from((0.0, 0.05, 0.3, 1.0))), draw(st.integers(0, 20)))
            for n in nodes
        }
        for sku in "ABC"
    }
    policy = replace(
        POLICY,
        keep_it=draw(st.booleans()),
        keep_it_below=draw(st.decimals(0, 3, places=2)),
        keep_it_max_value=draw(st.one_of(st.none(), st.decimals(0, 40, places=2))),
        triage_conditions=draw(
            st.sampled_from((frozenset({"defective"}), frozenset({"defective", "damaged"})))
        ),
    )
    return policy, items, nodes, outlooks


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mail_cases())
def test_mail_routing_matches_the_brute_force(case):
    policy, items, nodes, outlooks = case
    best = brute_force_mail(policy, items, nodes, outlooks)
    if best is None:
        with pytest.raises(InvalidInput):
            route_mail_return(policy, "R", items, nodes, outlooks)
        return
    decision = route_mail_return(policy, "R", items, nodes, outlooks)
    objective = decision.net_value - policy.keep_it_below * len(decision.parcels)
    assert objective == best
    # the decision's own figures add up
    sent = sum((line.net for line in decision.lines), D(0))
    assert decision.net_value == sent - sum((p.label_cost for p in decision.parcels), D(0))
    assert {p.node for p in decision.parcels} == {
        line.node for line in decision.lines if line.action == "send"
    }


def brute_force_store(policy, store, items, nodes, outlooks):
    """The best placement of every unit (distinct SKUs per line) over all assignments."""
    best_total = D(0)
    for item in items:
        triage = item.condition in policy.triage_conditions
        pool = [
            n for n in nodes if (n.accepts_returns or n.id == store) and (n.triage or not triage)
        ]
        unit = item.unit_value * SHARES[item.condition]
        best = None
        for assignment in itertools.product(pool, repeat=item.quantity):
            total, count = D(0), {}
            for node in assignment:
                if triage:
                    value = _cents(unit)
                else:
                    outlook = outlooks.get(item.sku, {}).get(node.id, Outlook())
                    value = _worth(policy, unit, 1, outlook, count.get(node.id, 0))
                count[node.id] = count.get(node.id, 0) + 1
                moved = node.id != store
                total += value - node.handling_cost
                total -= (node.transfer_unit_cost + policy.transfer_min_gain) if moved else 0
            best = total if best is None else max(best, total)
        best_total += best
    return best_total


@st.composite
def store_cases(draw):
    policy, items, nodes, outlooks = draw(mail_cases())
    nodes = tuple(replace(n, transfer_unit_cost=draw(st.decimals(0, 6, places=2))) for n in nodes)
    skus = sorted({item.sku for item in items})
    items = tuple(next(i for i in items if i.sku == sku) for sku in skus)  # one line a SKU
    policy = replace(policy, transfer_min_gain=draw(st.decimals(0, 3, places=2)))
    return policy, items, nodes, outlooks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(store_cases())
def test_store_routing_matches_the_brute_force(case):
    policy, items, nodes, outlooks = case
    store = nodes[0].id
    if any(
        item.condition in policy.triage_conditions
        and not any(n.triage and (n.accepts_returns or n.id == store) for n in nodes)
        for item in items
    ):
        with pytest.raises(InvalidInput):
            route_store_return(policy, "S", store, items, nodes, outlooks)
        return
    decision = route_store_return(policy, "S", store, items, nodes, outlooks)
    hurdle = sum(
        (policy.transfer_min_gain * line.quantity for line in decision.lines if line.node != store),
        D(0),
    )
    assert decision.net_value - hurdle == brute_force_store(policy, store, items, nodes, outlooks)
    for item in items:
        assert (
            sum(line.quantity for line in decision.lines if line.sku == item.sku) == item.quantity
        )
