"""Failed API keys per caller, in Redis: a caller that keeps sending keys that belong to no
supplier is paused (the keys are long and random; this stops guessing and a misconfigured
system hammering Odoo)."""

from __future__ import annotations

import time

FAILED_PER_HOUR = 20


class FailedKeys:
    def __init__(self, redis, prefix: str = "oms:suppliers") -> None:
        self.redis = redis
        self.prefix = prefix

    def _key(self, caller: str) -> str:
        return f"{self.prefix}:failed:{caller}:{int(time.time() // 3600)}"

    async def too_many(self, caller: str) -> bool:
        return int(await self.redis.get(self._key(caller)) or 0) >= FAILED_PER_HOUR

    async def count(self, caller: str) -> None:
        key = self._key(caller)
        await self.redis.pipeline(transaction=False).incr(key).expire(key, 7200).execute()
