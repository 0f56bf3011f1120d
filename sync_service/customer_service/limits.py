"""Rate limits per client, in Redis: calls per minute, failed identity proofs per hour."""

from __future__ import annotations

import time

from sync_service.customer_service import exceptions as exc


class RateLimits:
    """Fixed windows in Redis, per client: calls per minute, failed identity proofs per hour."""

    def __init__(self, redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    async def check_rate(self, client_id: str, per_minute: int) -> None:
        now = time.time()
        window = int(now // 60)
        key = f"{self.prefix}:rate:{client_id}:{window}"
        count, _ = await self.redis.pipeline(transaction=False).incr(key).expire(key, 120).execute()
        if count > per_minute:
            retry = max(1, int(60 - now % 60))
            raise exc.RateLimited(
                f"more than {per_minute} calls this minute; retry in {retry} s", retry_after=retry
            )

    def _failed_key(self, client_id: str) -> str:
        return f"{self.prefix}:failed:{client_id}:{int(time.time() // 3600)}"

    async def check_failed(self, client_id: str, per_hour: int) -> None:
        failed = int(await self.redis.get(self._failed_key(client_id)) or 0)
        if failed >= per_hour:
            raise exc.RateLimited(
                f"{failed} identity proofs failed this hour: lookups are "
                "paused until the next hour",
                retry_after=3600,
            )

    async def count_failed(self, client_id: str) -> None:
        key = self._failed_key(client_id)
        await self.redis.pipeline(transaction=False).incr(key).expire(key, 7200).execute()
