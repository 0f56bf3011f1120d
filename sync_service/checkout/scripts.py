"""The Lua scripts of the checkout, composed with their shared prelude and run atomically.

Every script starts with ``lua/common.lua`` (purge of expired holds, helpers) so a read or a
reservation never sees a hold that has outlived its TTL. Time comes from the caller (``now``
in ms) so tests move the clock without sleeping.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from redis.exceptions import NoScriptError

from sync_service.checkout.config import CheckoutSettings

_PRELUDE = ("common",)
_WRITERS = ("apply",)
SCRIPTS = {
    "availability": _PRELUDE,
    "reserve": _PRELUDE,
    "release": _PRELUDE,
    "convert": _PRELUDE,
    "hold": _PRELUDE,
    "sweep": _PRELUDE,
    "apply_changes": _PRELUDE + _WRITERS,
    "rebuild_begin": _PRELUDE,
    "rebuild_swap": _PRELUDE + _WRITERS,
    "watermark": _PRELUDE,
    "extend": _PRELUDE,
}


def _read(name: str) -> str:
    return resources.files("sync_service.checkout").joinpath(f"lua/{name}.lua").read_text()


@cache
def source(name: str) -> tuple[str, str]:
    """(sha1, source) of a composed script."""
    text = "\n".join(_read(part) for part in (*SCRIPTS[name], name))
    return hashlib.sha1(text.encode()).hexdigest(), text


def pool_prefix(settings: CheckoutSettings) -> str:
    """Keys shared by the channels selling one stock: holds, their indexes, the watermark.
    The hash tag keeps every key a script touches in one cluster slot."""
    return f"{settings.key_prefix}:{{{settings.stock_pool}}}:"


def channel_prefix(settings: CheckoutSettings, channel: str) -> str:
    """Keys of one channel's projection (its generations, cursor, rebuild state)."""
    return f"{pool_prefix(settings)}c:{channel}:"


@dataclass(frozen=True, slots=True)
class Call:
    """One script invocation: the script, the slot key and the arguments."""

    name: str
    key: str
    args: tuple

    @classmethod
    def build(cls, settings: CheckoutSettings, channel: str, name: str, now_ms: int, *args):
        pool = pool_prefix(settings)
        common = (
            pool,
            channel_prefix(settings, channel),
            now_ms,
            settings.purge_limit,
            int(settings.hold_retention_s * 1000),
            int(settings.converted_hold_max_age_s * 1000),
        )
        return cls(name, pool + "meta", common + args)


async def run_async(client, call: Call):
    sha, text = source(call.name)
    try:
        return await client.evalsha(sha, 1, call.key, *call.args)
    except NoScriptError:
        return await client.eval(text, 1, call.key, *call.args)


def run_sync(client, call: Call):
    sha, text = source(call.name)
    try:
        return client.evalsha(sha, 1, call.key, *call.args)
    except NoScriptError:
        return client.eval(text, 1, call.key, *call.args)
