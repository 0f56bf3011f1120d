"""``round(x, 6)`` and ``round(x, 3)``, the same floats for less.

A plan's score and shipments are reported rounded (ten roundings an order), and the search
ranks plans on the rounded score. CPython's ``round(x, n)`` formats ``x`` as a correctly
rounded decimal and parses it back (~0.3 us); these functions take the short way when it
provably gives the same float and fall back to ``round`` otherwise.

Why the short way is exact: let ``y = x * 10**n`` as a float and ``e`` the exact product.
Below 8e12, ``|y - e|`` is at most half an ulp of ``y``, under 0.0005. When ``y`` is more
than 0.499 away from every half-integer's other side - ``|y - k| < 0.499`` for the integer
``k = round(y)`` - then ``|e - k| < 0.5``: ``k`` is the decimal ``round`` would produce (no
tie to break). ``k`` and ``10**n`` are exact doubles, so ``k / 10**n`` is the double nearest
to ``k / 10**n``, which is what ``round`` returns. A zero keeps the sign of ``x``, as
``round`` does; anything but a float (an int weight, say) goes to ``round``.
"""

from __future__ import annotations


def round6(x: float) -> float:
    """``round(x, 6)``, the same float (sign of zero included)."""
    if type(x) is float:  # an int stays an int, as round keeps it
        y = x * 1e6
        if -8e12 < y < 8e12:  # also rules out infinities and NaN
            k = round(y)
            if -0.499 < y - k < 0.499:
                return k / 1e6 if k else x * 0.0
    return round(x, 6)


def round3(x: float) -> float:
    """``round(x, 3)``, the same float (sign of zero included)."""
    if type(x) is float:  # an int stays an int, as round keeps it
        y = x * 1e3
        if -8e12 < y < 8e12:  # also rules out infinities and NaN
            k = round(y)
            if -0.499 < y - k < 0.499:
                return k / 1e3 if k else x * 0.0
    return round(x, 3)
