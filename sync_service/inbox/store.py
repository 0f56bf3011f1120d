"""Store an accepted delivery: dedupe key + stream entry in one Lua step.

Either both are written or neither: a crash between them could otherwise drop an event whose
delivery id is already marked seen (lost) or store it without the mark (doubled on retry).
An order is also checked against the versions accepted for it: an older version is stale, the
same version with the same content a duplicate (docs/sync_service.md, "Inbound webhooks").
"""

from __future__ import annotations

import time
import zlib
from typing import Literal

import orjson
import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from sync_service.errors import InboxUnavailable
from sync_service.inbox import keys
from sync_service.inbox.providers.base import Delivery

# KEYS: dedupe key, stream, order-version key (or the dedupe key again when not an order)
# ARGV: dedupe ttl, version ('' = none), version ttl, content digest, then the stream entry's
# field/value pairs. The order-version key holds "<version> <digest> <digest>...": the newest
# version accepted and the digests of the bodies accepted at that version.
_STORE = """
local seen = redis.call('GET', KEYS[1])
if seen then return {'duplicate', seen} end
if ARGV[2] ~= '' then
  local stored = redis.call('GET', KEYS[3])
  local value = ARGV[2] .. ' ' .. ARGV[4]
  if stored then
    local version, digests = string.match(stored, '^(%S+)(.*)$')
    if tonumber(version) > tonumber(ARGV[2]) then
      redis.call('SET', KEYS[1], 'stale', 'EX', ARGV[1])
      return {'stale', version}
    end
    if version == ARGV[2] then
      if string.find(digests .. ' ', ' ' .. ARGV[4] .. ' ', 1, true) then
        redis.call('SET', KEYS[1], 'duplicate', 'EX', ARGV[1])
        return {'duplicate', version}
      end
      value = stored
      if #digests < 16 * 9 then value = stored .. ' ' .. ARGV[4] end
    end
  end
  redis.call('SET', KEYS[3], value, 'EX', ARGV[3])
end
local id = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 5))
redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
return {'accepted', id}
"""

Outcome = Literal["accepted", "duplicate", "stale"]
VERSION_TTL_S = 90 * 24 * 3600


class InboxStore:
    def __init__(self, redis: aioredis.Redis, dedupe_ttl_s: int) -> None:
        self._redis = redis
        self._script = redis.register_script(_STORE)
        self._ttl = dedupe_ttl_s

    async def store(
        self, source: str, provider: str, delivery: Delivery, raw: bytes
    ) -> tuple[Outcome, str]:
        """Store once; answer what happened and the stream id (or the newer version seen)."""
        script_keys, args = _script_input(source, provider, delivery, raw, self._ttl)
        try:
            outcome, ref = await self._script(keys=script_keys, args=args)
        except (RedisError, OSError) as exc:
            raise InboxUnavailable(f"inbox not reachable ({type(exc).__name__}); retry") from exc
        return outcome.decode(), ref.decode()


def store_sync(
    client: redis.Redis,
    dedupe_ttl_s: int,
    source: str,
    provider: str,
    delivery: Delivery,
    raw: bytes,
) -> Outcome:
    """The same single step from worker code (reconciliation, carrier polling)."""
    script_keys, args = _script_input(source, provider, delivery, raw, dedupe_ttl_s)
    outcome, _ref = client.eval(_STORE, len(script_keys), *script_keys, *args)
    return outcome.decode()


def _script_input(
    source: str, provider: str, delivery: Delivery, raw: bytes, ttl: int
) -> tuple[list[str], list]:
    dedupe = keys.dedupe(source, delivery.delivery_id)
    version_key = keys.order_version(source, delivery.order_key) if delivery.order_key else dedupe
    data = orjson.dumps(delivery.data)
    fields = [
        "event_id", f"{source}:{delivery.delivery_id}",
        "source", source,
        "provider", provider,
        "kind", delivery.kind,
        "topic", delivery.topic,
        "received_ms", str(int(time.time() * 1000)),
        "attempts", "0",
        "data", data,
        "raw", raw,
    ]  # fmt: skip
    version = "" if delivery.version is None else str(delivery.version)
    # The same order version with the same content is a duplicate whatever the delivery id
    # (Shopify's and WooCommerce's ids are not signed: a captured webhook could be replayed
    # under fresh ids); the canonical content is what Odoo would receive. A checksum is
    # enough: a body only gets here signed by the shop, so no one can aim at a collision.
    digest = f"{zlib.crc32(data):08x}" if version else ""
    return [dedupe, keys.STREAM, version_key], [ttl, version, VERSION_TTL_S, digest, *fields]


def accepted_version(raw: bytes | None) -> int | None:
    """The newest order version the inbox accepted, from its order-version key's value."""
    return int(raw.split(maxsplit=1)[0]) if raw else None
