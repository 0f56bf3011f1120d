"""oms_engine.rounding: the same floats as round(x, 6) and round(x, 3), bit for bit."""

from __future__ import annotations

import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_engine.rounding import round3, round6


def bits(x) -> tuple:
    return (type(x), struct.pack("<d", x) if isinstance(x, float) else x)


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False) | st.integers(-(10**15), 10**15))
def test_any_number_rounds_as_round_does(x):
    assert bits(round6(x)) == bits(round(x, 6)), x
    assert bits(round3(x)) == bits(round(x, 3)), x


@settings(max_examples=3000, deadline=None)
@given(
    st.integers(-(10**12), 10**12),
    st.sampled_from((0.0, 5e-7, -5e-7, 4.99999e-7, 5.00001e-7, 2.5e-7, 1e-12, -1e-12)),
)
def test_halfway_and_near_halfway_decimals_round_as_round_does(k, offset):
    """Values at or next to a tie of the 6th (3rd) decimal: the short way must step aside."""
    for x in (k / 1e6 + offset, k / 1e3 + offset * 1000, math.nextafter(k / 1e6 + 5e-7, 0)):
        assert bits(round6(x)) == bits(round(x, 6)), x
        assert bits(round3(x)) == bits(round(x, 3)), x


def test_zeros_keep_their_sign_and_specials_go_to_round():
    for x in (0.0, -0.0, 1e-9, -1e-9, 4e-4, -4e-4):
        assert bits(round6(x)) == bits(round(x, 6)) and bits(round3(x)) == bits(round(x, 3))
    assert bits(round6(-1e-9)) == bits(-0.0)  # not vacuous: the sign is really compared
    assert round6(math.inf) == math.inf and round3(-math.inf) == -math.inf
    assert math.isnan(round6(math.nan))
    assert round6(2.0000004999) == 2.0 and round6(2.0000005001) == 2.000001
    assert type(round6(3)) is int and type(round3(3.0)) is float
