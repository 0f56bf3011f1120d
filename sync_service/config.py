"""One Settings object for the sync service, validated at start-up.

Shaped like fastapi/full-stack-fastapi-template's ``core/config.py``: every value comes from the
environment (prefix ``OMS_``, nested with ``__``) or an ``.env`` file, and outside ``dev``/``test``
the service refuses to start with a default secret.

Channels and carriers are configured as JSON, e.g.::

    OMS_CHANNELS='{"webshop": {"provider": "shopify", "secret": "...",
                               "api_url": "https://shop.example/admin/api/2024-10",
                               "access_token": "..."}}'
"""

from __future__ import annotations

import base64
import binascii
import warnings
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "changethis"

Provider = Literal["shopify", "woocommerce", "shopware", "generic"]


class ChannelSettings(BaseModel):
    """One sales channel (an ``oms.channel`` code in Odoo) and how to talk to its shop."""

    @model_validator(mode="after")
    def _standard_webhooks_secret(self) -> ChannelSettings:
        secret = self.secret.get_secret_value()
        if self.provider == "generic" and secret != DEFAULT_SECRET:
            try:
                key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if not secret.startswith("whsec_") or len(key) < 16:
                raise ValueError("a generic channel's secret is whsec_ + base64 of >= 16 bytes")
        return self

    provider: Provider
    # Shared secret that signs the shop's webhooks to us. For ``generic`` channels it is a
    # Standard Webhooks secret (``whsec_`` + base64) and also signs what we send them.
    secret: SecretStr = SecretStr(DEFAULT_SECRET)
    # Base URL of the shop's API for outbound pushes (Shopify admin API, WooCommerce
    # ``/wp-json/wc/v3``, a generic channel's webhook endpoint).
    api_url: str = ""
    access_token: SecretStr = SecretStr("")
    # Shopify fulfils per location; the location our fulfilments/inventory are booked at.
    location_id: str = ""
    # What the shop calls each carrier, by our carrier code: Shopify builds tracking links and
    # follows shipment status only for the names on its list of tracking companies
    # ("DHL Express", "Deutsche Post", "DPD", ...). A code not listed here is looked up in
    # the adapter's defaults, then sent as it is.
    carrier_names: dict[str, str] = {}


class CarrierSettings(BaseModel):
    """A carrier that pushes tracking webhooks to us, or that we poll."""

    # Payload and signature format of the carrier's (or its aggregator's) webhooks.
    format: Literal["easypost", "aftership"] = "easypost"

    secret: SecretStr = SecretStr(DEFAULT_SECRET)
    # Carriers without webhooks are polled at this API (empty = webhooks only).
    poll_url: str = ""
    api_key: SecretStr = SecretStr("")
    # Label buying API (EasyPost-like, carriers/labels/): empty = this carrier sells no labels.
    api_url: str = ""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OMS_",
        env_nested_delimiter="__",
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
    )

    environment: Literal["dev", "test", "production"] = "dev"
    log_level: str = "INFO"

    redis_url: str = "redis://localhost:6379/0"

    odoo_url: str = "http://localhost:8069"
    odoo_db: str = "oms"
    # Either the integration user's id, or its login (the uid is then looked up once).
    odoo_uid: int = 2
    odoo_login: str = ""
    odoo_api_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # One ingest call creates and routes a whole batch: give it time (and keep the batch small).
    odoo_timeout_s: float = 120.0
    # Implementation of the Odoo boundary (``module:attr``, called with the settings).
    odoo_gateway: str = "sync_service.odoo_client:JsonRpcOdoo"

    channels: dict[str, ChannelSettings] = Field(default_factory=dict)
    carriers: dict[str, CarrierSettings] = Field(default_factory=dict)
    # The carrier (a code of ``carriers``) that buys the labels Odoo asks for.
    label_carrier: str = ""

    # Inbound webhooks
    max_body_bytes: int = 1_048_576
    webhook_tolerance_s: int = 300
    # How long a delivery id is remembered for dedupe. Shopify retries for 48 h, WooCommerce
    # and Standard Webhooks senders for about as long; a week leaves room for manual resends.
    dedupe_ttl_s: int = 7 * 24 * 3600

    # Workers
    # Orders per ingest_orders call. Each is created, routed and confirmed inside the call
    # (~50-300 ms each in Odoo), so a batch must finish well inside odoo_timeout_s.
    ingest_batch_size: int = 25
    ingest_max_attempts: int = 6
    # Odoo calls a drain makes at once, each with orders sharing no SKU with the others
    # (docs/sync_service.md, "Ingest lanes"); Odoo needs as many HTTP workers to serve them.
    ingest_lanes: int = Field(2, ge=1, le=16)
    retry_base_s: float = 2.0
    retry_max_s: float = 300.0
    # Pending entries idle longer than this were taken by a worker that died: reclaim them.
    # Must stay above the longest ingest batch (Odoo timeout + slack): Odoo may still be
    # working on the dead worker's call.
    claim_idle_ms: int = 300_000
    # The one-drain-at-a-time lease, renewed by a heartbeat while the drain runs: a killed
    # worker holds up new events this long at most (docs/sync_service.md).
    ingest_lease_s: float = Field(5.0, ge=0.5, le=300)
    # While Odoo cannot be used the drain holds and asks Odoo this often whether it answers.
    odoo_probe_interval_s: float = Field(1.0, gt=0, le=300)
    # What needs a person (/health "alerts", metric oms_alert): the drain held for Odoo this
    # long, the oldest waiting inbox event this old; any dead letter.
    alert_odoo_held_s: float = 300.0
    alert_lag_s: float = 300.0
    # Celery's Redis visibility timeout: above the longest task, else Redis redelivers a task
    # that is still running.
    celery_visibility_timeout_s: int = 3600
    ingest_interval_s: float = 1.0
    # Also how stale the checkout projection may get: a stock change in Odoo reaches the
    # checkout APIs one poll later (docs/checkout.md). One fetch_outbox call per second.
    outbox_interval_s: float = 1.0
    outbox_consumer: str = "sync_service"
    reconcile_interval_s: float = 900.0
    carrier_poll_interval_s: float = 600.0
    # The report to Odoo's control tower (oms.sync.health.report_health, addon
    # oms_control_tower): how often, how long one call may take, and how long to wait
    # before asking again a database where the addon is not installed.
    health_report_interval_s: float = Field(60.0, gt=0)
    health_report_timeout_s: float = Field(10.0, gt=0)
    health_report_no_addon_s: float = Field(600.0, ge=0)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        defaults = []
        if self.odoo_api_key.get_secret_value() == DEFAULT_SECRET:
            defaults.append("OMS_ODOO_API_KEY")
        for code, channel in self.channels.items():
            if channel.secret.get_secret_value() == DEFAULT_SECRET:
                defaults.append(f"OMS_CHANNELS[{code}].secret")
        for code, carrier in self.carriers.items():
            if carrier.secret.get_secret_value() == DEFAULT_SECRET:
                defaults.append(f"OMS_CARRIERS[{code}].secret")
        if defaults:
            message = f"default secret {DEFAULT_SECRET!r} in: {', '.join(defaults)}"
            if self.environment in ("dev", "test"):
                warnings.warn(message, stacklevel=1)
            else:
                raise ValueError(f"{message}; set real secrets for {self.environment}")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once; tests build their own ``Settings``)."""
    return Settings()
