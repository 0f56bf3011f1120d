"""Return routing (oms_engine.returns, returns_store): the value model, mailed returns with
"keep it" and triage, store returns, each cross-checked by brute force on small cases."""

from __future__ import annotations

import itertools
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
    value_at,
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
        "DC2": Outlook(0.3, 5),
    }
}


def test_the_value_of_a_unit_follows_demand_and_stock_cover():
    full = D("49.90")
    assert value_at(POLICY, full, 1, Outlook(0.5, 2)).value == full  # sells in time
    assert value_at(POLICY, full, 1, Outlook(0.1, 40)).value == D("24.95")  # overstock
    assert value_at(POLICY, full, 1, Outlook()).value == D("24.95")  # no sales there
    # 0.4 of a unit's worth of sales left: interpolated
    assert value_at(POLICY, D(10), 1, Outlook(1.0, 29.6)).value == D("7.00")
    # two units, room for one and a half
    halfway = value_at(POLICY, D(10), 2, Outlook(0.05, 0))
    assert (halfway.value, halfway.selling) == (D("17.50"), 1.5)
    # units sent before take the room first
    assert value_at(POLICY, D(10), 1, Outlook(0.05, 0), on_top=2).value == D("5.00")


def test_a_mailed_item_goes_where_it_is_worth_most_net_of_label_and_handling():
    decision = route_mail_return(POLICY, "R1", (JACKET,), NODES, OUTLOOK)
    (line,) = decision.lines
    assert (line.action, line.node, line.value, line.cost) == ("send", "DC2", D("49.90"), D("1.55"))
    assert decision.net_value == D("49.90") - D("1.55") - D("4.90")
    assert decision.parcels[0].node == "DC2" and decision.parcels[0].lines == (("JACKET", 1),)
    assert decision.summary.text == ("Return to DC Leipzig (one label), recovering EUR 43.45 net.")
    assert line.reason.text == (
        "1 x Jacket goes to DC Leipzig: worth EUR 49.90, it sells within 30 days there "
        "(stock covers 17 days)."
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


def test_at_an_overstocked_store_units_go_on_and_the_rest_stays():
    outlook = {"JACKET": {"ST01": Outlook(0.1, 2.5), "DC2": Outlook(0.5, 14)}}
    three = replace(JACKET, quantity=3)
    decision = route_store_return(POLICY, "S2", "ST01", (three,), NODES, outlook)
    moves = {(line.action, line.node): line.quantity for line in decision.lines}
    # the store sells 0.5 more units in 30 days; DC2 has room for one
    assert moves == {("stay", "ST01"): 2, ("transfer", "DC2"): 1}
    transfer = next(line for line in decision.lines if line.action == "transfer")
    assert transfer.cost == D("3.10")
    assert "goes on to DC Leipzig" in transfer.reason.text
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
    """The value model written out again: the units beyond the horizon's room keep the
    overstock share."""
    room = outlook.daily_sales * policy.horizon_days - outlook.on_hand - before
    sold = D(repr(max(0.0, min(float(qty), room))))
    return _cents(unit * (sold + (qty - sold) * policy.overstock_share))


SHARES = {"as_new": D(1), "opened": D("0.8"), "damaged": D("0.4"), "defective": D("0.2")}


def brute_force_mail(policy, items, nodes, outlooks):
    """The best objective over every assignment of lines to a node or to "keep", with at most
    one node for the sellable lines and one (triage) node for the others."""
    accepting = [n for n in nodes if n.accepts_returns]
    best = None
    for assignment in itertools.product([None, *accepting], repeat=len(items)):
        sell_nodes, triage_nodes, total = set(), set(), D(0)
        feasible = True
        before: dict[tuple[str, str], int] = {}
        for item, node in zip(items, assignment, strict=True):
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
                value = _cents(unit * item.quantity)
            else:
                outlook = outlooks.get(item.sku, {}).get(node.id, Outlook())
                key = (item.sku, node.id)
                value = _worth(policy, unit, item.quantity, outlook, before.get(key, 0))
                before[key] = before.get(key, 0) + item.quantity
            kg = _cents(node.cost_per_kg * D(repr(item.weight_kg)) * item.quantity)
            total += value - node.handling_cost * item.quantity - kg
        if not feasible or len(sell_nodes) > 1 or len(triage_nodes) > 1:
            continue
        labels = sell_nodes | triage_nodes
        by_id = {n.id: n for n in nodes}
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
