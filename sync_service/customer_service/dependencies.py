"""Who is calling (per-client API keys with scopes) and how often (rate limits per client).

Async on purpose, as the checkout's: a plain ``def`` dependency costs a thread hop.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from sync_service.customer_service import exceptions as exc
from sync_service.customer_service.config import CustomerServiceSettings, get_cs_settings
from sync_service.customer_service.idempotency import IdempotencyStore
from sync_service.customer_service.odoo import CustomerServiceOdoo
from sync_service.customer_service.service import CustomerService
from sync_service.redis import get_redis

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="CustomerServiceKey",
    description="The client's customer-service API key.",
)
API_KEY = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="CustomerServiceApiKey",
    description="The same key, for clients that cannot send a bearer.",
)


def cs_settings(request: Request) -> CustomerServiceSettings:
    state = request.app.state
    settings = getattr(state, "cs_settings", None)
    if settings is None:
        settings = state.cs_settings = get_cs_settings()
    return settings


def cs_service(request: Request) -> CustomerService:
    state = request.app.state
    service = getattr(state, "cs_service", None)
    if service is None:
        settings = cs_settings(request)
        odoo = getattr(state, "cs_odoo", None) or CustomerServiceOdoo(state.settings, settings)
        store = IdempotencyStore(
            get_redis(request), settings.key_prefix, settings.idempotency_ttl_s
        )
        service = state.cs_service = CustomerService(odoo, store, get_redis(request), settings)
    return service


@dataclass(frozen=True, slots=True)
class Caller:
    client_id: str
    name: str
    door: str  # "api", or "mcp" when the MCP server calls on behalf of an AI agent
    service: CustomerService


async def authenticated(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
    x_api_key: Annotated[str | None, Security(API_KEY)] = None,
    x_oms_door: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    """The client whose key came with the request, within its rate limit."""
    key = bearer.credentials if bearer else x_api_key
    if not key:
        raise exc.MissingApiKey("send your customer-service API key as a Bearer token")
    settings = cs_settings(request)
    found = None
    for client_id, client in settings.clients.items():
        # Compared with every client's key: the time does not say which one came close.
        if hmac.compare_digest(client.key.get_secret_value().encode(), key.encode()):
            found = (client_id, client)
    if found is None:
        raise exc.BadApiKey("this API key belongs to no customer-service client")
    client_id, client = found
    service = cs_service(request)
    await service.limits.check_rate(client_id, client.rate_per_minute)
    door = "mcp" if x_oms_door == "mcp" else "api"
    return Caller(client_id, client.name or client_id, door, service)


def requires(scope: str):
    """A dependency: the authenticated caller, refused unless its key has ``scope``."""

    async def with_scope(request: Request, caller: Annotated[Caller, Depends(authenticated)]):
        client = cs_settings(request).clients[caller.client_id]
        if scope not in client.scopes:
            raise exc.MissingScope(
                f"this API key may not {scope}: its scopes are {', '.join(sorted(client.scopes))}",
                scope=scope,
            )
        return caller

    return with_scope
