"""Redis clients: an asyncio one for the API (per app), a blocking one for workers.

Redis holds the durable inbox, dedupe keys, cursors and the last tracking status; in
production it runs with ``appendonly yes`` so an accepted webhook survives a restart.
"""

from __future__ import annotations

from typing import Annotated

import redis
import redis.asyncio as aioredis
from fastapi import Depends, Request

from sync_service.config import Settings


def make_async_redis(settings: Settings) -> aioredis.Redis:
    # Short timeouts: when Redis is away the webhook answers 503 quickly so the shop retries.
    return aioredis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )


def make_sync_redis(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
    )


def get_redis(request: Request) -> aioredis.Redis:
    """FastAPI dependency: the app's asyncio Redis client (created in the app's lifespan)."""
    client = getattr(request.app.state, "redis", None)
    if client is None:
        client = request.app.state.redis = make_async_redis(request.app.state.settings)
    return client


def get_app_settings(request: Request) -> Settings:
    """The Settings the app was created with."""
    return request.app.state.settings


# The dependencies are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a
# thread pool, which costs more than the whole webhook's own work.
async def _redis_dependency(request: Request) -> aioredis.Redis:
    return get_redis(request)


async def _settings_dependency(request: Request) -> Settings:
    return request.app.state.settings


RedisDep = Annotated[aioredis.Redis, Depends(_redis_dependency)]
SettingsDep = Annotated[Settings, Depends(_settings_dependency)]
