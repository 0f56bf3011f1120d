"""The split bounds' per-order indexes against their plain definitions.

``bounds._holders`` and ``bounds._cheapest_two`` feed the node bounds of orders no node holds
whole; each is written for speed, so each is checked here against the obvious way of
computing the same thing (same lists, same order, same floats).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.bounds import _cheapest_two, _holders


def _plain_holders(rows, carried, n_lines):
    holders = [[] for _ in range(n_lines)]
    for ni, row in rows.items():
        for li in range(n_lines):
            if carried[ni] >> li & 1 and row[li]:
                holders[li].append((ni, row[li]))
    return holders


def _plain_cheapest_two(line_floor, holders, floor, special):
    pairs = []
    for li, here in enumerate(holders):
        if li in special:
            pairs.append(sorted((line_floor(ni, li), ni) for ni, _ in here)[:2])
        else:
            pairs.append(sorted((floor[ni], ni) for ni, _ in here)[:2])
    return pairs


@st.composite
def _orders(draw):
    n_lines = draw(st.integers(1, 7))
    nodes = draw(st.lists(st.integers(0, 60), unique=True, max_size=25))
    rows, carried = {}, {}
    for ni in nodes:
        rows[ni] = draw(st.lists(st.integers(0, 4), min_size=n_lines, max_size=n_lines))
        # a node may hold a line it may not ship (a dangerous or bulky rule): bit cleared
        carried[ni] = draw(st.integers(0, (1 << n_lines) - 1))
    # few distinct floors, so ties on the floor are decided by the node index
    floor = {ni: draw(st.sampled_from([0.0, 1.5, 2.25, 7.0, float("inf")])) for ni in nodes}
    extra = {ni: draw(st.sampled_from([0.0, 0.5, 3.0])) for ni in nodes}
    special = draw(st.sets(st.integers(0, n_lines - 1)))
    return n_lines, rows, carried, floor, extra, special


@settings(max_examples=300, deadline=None)
@given(_orders())
def test_holders_and_cheapest_two_match_their_plain_definitions(case):
    n_lines, rows, carried, floor, extra, special = case
    holders = _holders(rows, carried, n_lines)
    assert holders == _plain_holders(rows, carried, n_lines)

    def line_floor(ni, li):
        return floor[ni] + extra[ni]

    got = _cheapest_two(line_floor, holders, floor, special)
    assert got == _plain_cheapest_two(line_floor, holders, floor, special)
    assert all(len(pair) == min(2, len(here)) for pair, here in zip(got, holders, strict=True))
