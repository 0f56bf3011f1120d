"""Postal codes and distances for the checkout: validation per country, store ordering."""

from __future__ import annotations

import math
import re

from sync_service.checkout.exceptions import InvalidPostalCode

# Formats of the countries our retailers ship to most; others get a lenient check.
POSTAL_FORMATS = {
    "AT": r"\d{4}",
    "BE": r"\d{4}",
    "CH": r"\d{4}",
    "CZ": r"\d{3} ?\d{2}",
    "DE": r"\d{5}",
    "DK": r"\d{4}",
    "ES": r"\d{5}",
    "FI": r"\d{5}",
    "FR": r"\d{5}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "IT": r"\d{5}",
    "LU": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}",
    "NO": r"\d{4}",
    "PL": r"\d{2}-\d{3}",
    "PT": r"\d{4}-\d{3}",
    "SE": r"\d{3} ?\d{2}",
    "US": r"\d{5}(-\d{4})?",
}
_COMPILED = {country: re.compile(rf"^{fmt}$") for country, fmt in POSTAL_FORMATS.items()}
_LENIENT = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def normalise_postal_code(country: str, postal_code: str, field: str = "postal_code") -> str:
    """The postal code, upper-cased and trimmed, or ``InvalidPostalCode`` naming the field."""
    country = country.strip().upper()
    if not _COUNTRY.match(country):
        raise InvalidPostalCode(f"{country!r} is not an ISO 3166 country code", field="country")
    code = " ".join(postal_code.strip().upper().split())
    pattern = _COMPILED.get(country, _LENIENT)
    if not pattern.match(code):
        raise InvalidPostalCode(
            f"{postal_code!r} is not a postal code of {country}", field=field, country=country
        )
    return code


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def shared_prefix(a: str, b: str) -> int:
    a, b = a.replace(" ", "").replace("-", ""), b.replace(" ", "").replace("-", "")
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
