"""Idempotency keys of the changes: a repeat with the same key gets the same answer.

Per client: ``<prefix>:idem:<client>:<key>`` holds the request's fingerprint and, once the
change is done, the answer (status and body) for ``idempotency_ttl_s``. A repeat while the
first is still running is told to retry (409); the same key with a different request is
refused (409), never applied. Odoo keys the change itself by ``<client>:<key>`` too
(``oms.order.change``), so a lost Redis answer still changes nothing twice.
"""

from __future__ import annotations

import hashlib
import re

import orjson
import redis.asyncio as aioredis

from sync_service.customer_service.exceptions import IdempotencyConflict, InvalidChange

KEY = re.compile(r"^[A-Za-z0-9._:-]{1,80}$")
PENDING_TTL_S = 120  # longer than any change takes in Odoo


def check_key(key: str | None) -> str:
    if not key:
        raise InvalidChange(
            "send an Idempotency-Key header with every change (1-80 letters, "
            "digits, dots, colons, dashes or underscores)",
            field="header:idempotency-key",
            code="missing_idempotency_key",
        )
    if not KEY.match(key):
        raise InvalidChange(
            "the Idempotency-Key may hold 1-80 letters, digits, dots, colons, "
            "dashes or underscores",
            field="header:idempotency-key",
            code="invalid_idempotency_key",
        )
    return key


def fingerprint(operation: str, body: dict) -> str:
    return hashlib.sha256(orjson.dumps([operation, body], option=orjson.OPT_SORT_KEYS)).hexdigest()


class IdempotencyStore:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_s: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl_s = ttl_s

    def _key(self, client: str, key: str) -> str:
        return f"{self.prefix}:idem:{client}:{key}"

    async def begin(self, client: str, key: str, print_: str) -> tuple[int, dict] | None:
        """None: go ahead (the key is now ours). Else the stored (status, body) to answer."""
        name = self._key(client, key)
        pending = orjson.dumps({"fingerprint": print_, "state": "pending"})
        if await self.redis.set(name, pending, nx=True, ex=PENDING_TTL_S):
            return None
        stored = orjson.loads(await self.redis.get(name) or b"{}")
        if stored.get("fingerprint") not in (None, print_):
            raise IdempotencyConflict("this Idempotency-Key was used for a different request")
        if stored.get("state") != "done":
            raise IdempotencyConflict(
                "a request with this Idempotency-Key is still running; retry in a moment",
                code="idempotency_in_progress",
            )
        return stored["status"], stored["body"]

    async def finish(self, client: str, key: str, print_: str, status: int, body: dict) -> None:
        value = orjson.dumps(
            {"fingerprint": print_, "state": "done", "status": status, "body": body}
        )
        await self.redis.set(self._key(client, key), value, ex=self.ttl_s)

    async def abandon(self, client: str, key: str) -> None:
        """The change did not happen (Odoo unreachable): the key may be used again."""
        await self.redis.delete(self._key(client, key))
