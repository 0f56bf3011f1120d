"""The order's weight, added up once per order for the candidates' builder and the
whole-order walk (``candidates.order_weight``).

Both read the same float, so it must be the plain left-to-right loop from 0.0 on every
Python version: ``sum()`` of floats is compensated from 3.12 on and ``math.fsum`` is exact,
and either may differ from the loop in the last bit, which moves a package count or a
domination test at a weight limit.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.candidates import OrderProblem, order_weight


def _problem(targets, weights):
    n = len(targets)
    return OrderProblem(
        [f"S{i}" for i in range(n)], [None] * n, list(targets), list(targets), [], None,
        weights=list(weights),
    )  # fmt: skip


def _left_to_right(targets, weights):
    kg = 0.0
    for target, wk in zip(targets, weights, strict=True):
        kg = kg + target * wk
    return kg


def test_the_weight_is_added_left_to_right_not_compensated():
    # 1.0 + 1e-16 rounds back to 1.0 twice; a compensated or exact sum gives the next float
    problem = _problem([1, 1, 1], [1.0, 1e-16, 1e-16])
    assert order_weight(problem) == 1.0
    assert repr(order_weight(_problem([], []))) == "0.0"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 50),
            st.floats(0.0, 80.0, allow_nan=False) | st.sampled_from([0.1, 0.7, 1e-16, 3.3]),
        ),
        max_size=10,
    )
)
def test_the_weight_is_the_plain_loop_float_for_float(lines):
    targets = [t for t, _ in lines]
    weights = [wk for _, wk in lines]
    assert repr(order_weight(_problem(targets, weights))) == repr(_left_to_right(targets, weights))
