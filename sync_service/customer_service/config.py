"""Settings of the customer-service API (env prefix ``OMS_CS_``), beside the service's
``Settings``. One API key per client (a helpdesk tool, an AI phone agent), with its scopes::

    OMS_CS_CLIENTS='{"helpdesk": {"name": "Zendesk helpdesk", "key": "cs_live_...",
                                  "scopes": ["read", "cancel", "change"]},
                     "phone-agent": {"name": "AI phone agent", "key": "cs_live_...",
                                     "scopes": ["read", "cancel"], "rate_per_minute": 60}}'
    OMS_CS_ODOO_LOGIN=oms_customer_service     # Odoo user of group "OMS Customer Service API"
    OMS_CS_ODOO_API_KEY=...
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Scope = Literal["read", "cancel", "change", "return"]
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ClientSettings(BaseModel):
    """One API client: who it is (the name on the order's chatter), its key and scopes."""

    name: str = ""
    key: SecretStr
    scopes: set[Scope] = {"read"}
    rate_per_minute: int = Field(120, ge=1)
    # Lookups whose identity proof matched no order, per hour: guessing is cut short.
    failed_lookups_per_hour: int = Field(30, ge=1)


class CustomerServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OMS_CS_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    clients: dict[str, ClientSettings] = {}
    # The Odoo user the doors are called as (group "OMS Customer Service API"); empty: the
    # service's own Odoo user (OMS_ODOO_LOGIN), which then needs that group too.
    odoo_login: str = ""
    odoo_api_key: SecretStr = SecretStr("")
    odoo_timeout_s: float = 30.0
    # How long an idempotency key's answer is kept (a repeat within it gets the same answer).
    idempotency_ttl_s: int = 24 * 3600
    key_prefix: str = "oms:cs"

    @field_validator("clients")
    @classmethod
    def _clients(cls, clients: dict[str, ClientSettings]) -> dict[str, ClientSettings]:
        keys = set()
        for client_id, client in clients.items():
            if not CLIENT_ID.match(client_id):
                raise ValueError(f"client id {client_id!r} must match {CLIENT_ID.pattern}")
            key = client.key.get_secret_value()
            if key in keys:
                raise ValueError(f"client {client_id!r} shares its API key with another client")
            keys.add(key)
            if len(key) < 16:
                warnings.warn(
                    f"API key of customer-service client {client_id!r} is short", stacklevel=1
                )
        return clients


@lru_cache
def get_cs_settings() -> CustomerServiceSettings:
    return CustomerServiceSettings()
