"""FastAPI dependencies of the checkout: settings, the service, the caller's channel.

Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, a thread hop
per request that costs more than the Redis call. Everything is built once per app and kept
on ``app.state`` (``checkout_settings``,
``checkout_clock``, ``checkout_networks``, ``checkout_service``); tests set those before the
first request or use ``app.dependency_overrides``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader

from sync_service.checkout import exceptions as exc
from sync_service.checkout.config import CheckoutSettings, get_checkout_settings
from sync_service.checkout.network import NetworkCache, odoo_loader
from sync_service.checkout.reservations import CheckoutStore, wall_clock_ms
from sync_service.checkout.service import CheckoutService
from sync_service.redis import get_redis

# Documented as the OpenAPI security scheme, so /docs offers "Authorize" with the key.
API_KEY = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ChannelApiKey",
    description="The checkout API key of the channel in the path.",
    auto_error=False,
)


def checkout_settings(request: Request) -> CheckoutSettings:
    state = request.app.state
    settings = getattr(state, "checkout_settings", None)
    if settings is None:
        settings = state.checkout_settings = get_checkout_settings()
    return settings


def _default_networks(request: Request, settings: CheckoutSettings) -> NetworkCache:
    from sync_service.odoo_client import load_gateway

    gateway = load_gateway(request.app.state.settings)
    return NetworkCache(odoo_loader(gateway), settings.network_ttl_s)


async def checkout_service(request: Request) -> CheckoutService:
    state = request.app.state
    service = getattr(state, "checkout_service", None)
    if service is None:
        settings = checkout_settings(request)
        networks = getattr(state, "checkout_networks", None)
        if networks is None:
            networks = state.checkout_networks = _default_networks(request, settings)
        clock = getattr(state, "checkout_clock", None) or wall_clock_ms
        store = CheckoutStore(get_redis(request), settings, clock)
        service = state.checkout_service = CheckoutService(store, settings, networks)
    return service


@dataclass(frozen=True, slots=True)
class Caller:
    """A request's channel, proven by its API key, and the service to answer it."""

    channel: str
    service: CheckoutService


async def authorised_caller(
    request: Request,
    channel: Annotated[str, Path(description="Sales channel code (an oms.channel code).")],
    x_api_key: Annotated[str | None, Security(API_KEY)] = None,
) -> Caller:
    """The path's channel, once the caller proved it holds that channel's API key.

    One dependency for both on purpose: each FastAPI dependency costs a resolution pass per
    request, and these endpoints are the hot path of every product page.
    """
    keys = checkout_settings(request).api_keys
    if x_api_key is None:
        raise exc.MissingApiKey("send the channel's API key in the X-API-Key header")
    expected = keys.get(channel)
    if expected is None:
        raise exc.UnknownChannel(f"unknown channel {channel!r}", field="channel")
    if not hmac.compare_digest(expected.get_secret_value().encode(), x_api_key.encode()):
        raise exc.BadApiKey(f"this API key is not the key of channel {channel!r}")
    return Caller(channel, await checkout_service(request))


CallerDep = Annotated[Caller, Depends(authorised_caller)]
