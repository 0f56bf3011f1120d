"""Settings of the checkout APIs (env prefix ``OMS_CHECKOUT_``), beside the service's ``Settings``.

API keys are per channel: a shop holds the key of its channel and nothing else::

    OMS_CHECKOUT_API_KEYS='{"webshop": "ck_live_...", "marketplace": "ck_live_..."}'
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CHANNEL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class CheckoutSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OMS_CHECKOUT_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    # channel code -> API key sent by that channel's shop in the X-API-Key header
    api_keys: dict[str, SecretStr] = {}
    key_prefix: str = "oms:ck"
    # Channels selling the same stock share one pool of holds (one Redis slot).
    stock_pool: str = "stock"

    # Reservations
    hold_ttl_s: float = 900.0
    max_hold_ttl_s: float = 3600.0
    # Finished holds (expired, released, settled) are kept this long to answer late calls.
    hold_retention_s: float = 86_400.0
    # A converted hold stops counting once the projection has caught up with Odoo (see
    # docs/checkout.md); this is the backstop when no event or rebuild ever arrives.
    converted_hold_max_age_s: float = 3600.0
    # Odoo's create_date has second precision and Odoo's clock is not ours.
    clock_margin_s: float = 2.0
    purge_limit: int = 200
    max_cart_lines: int = 100
    max_listing_skus: int = 100

    # Projection and network
    rebuild_interval_s: float = 300.0
    sweep_interval_s: float = 30.0
    network_ttl_s: float = 300.0

    @field_validator("api_keys")
    @classmethod
    def _channel_codes(cls, keys: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for code, key in keys.items():
            if not CHANNEL_CODE.match(code):
                raise ValueError(f"channel code {code!r} must match {CHANNEL_CODE.pattern}")
            if len(key.get_secret_value()) < 16:
                warnings.warn(f"checkout API key of channel {code!r} is short", stacklevel=1)
        return keys

    @property
    def hold_ttl_ms(self) -> int:
        return int(self.hold_ttl_s * 1000)

    @property
    def max_hold_ttl_ms(self) -> int:
        return int(self.max_hold_ttl_s * 1000)


@lru_cache
def get_checkout_settings() -> CheckoutSettings:
    return CheckoutSettings()
