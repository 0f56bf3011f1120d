"""Operator commands of the checkout projection: ``python -m sync_service.checkout ...``.

rebuild [CHANNEL ...]   rebuild from Odoo's export_sellable now (default: every channel)
sweep                   purge expired and settled holds now
show CHANNEL SKU ...    the projection per node, the holds and what the API would answer
"""

from __future__ import annotations

import argparse
import json
import sys

from sync_service.checkout import jobs
from sync_service.checkout.config import get_checkout_settings
from sync_service.checkout.scripts import channel_prefix, pool_prefix


def _show(redis, settings, channel: str, skus: list[str]) -> dict:
    prefix, pool = channel_prefix(settings, channel), pool_prefix(settings)
    gen = redis.get(prefix + "gen")
    out: dict = {"channel": channel, "generation": gen and gen.decode(), "skus": {}}
    for sku in skus:
        figures = redis.hgetall(f"{prefix}g{out['generation']}:s:{sku}") if gen else {}
        held = redis.hgetall(f"{pool}h:{sku}")
        out["skus"][sku] = {
            "nodes": {k.decode(): int(v) for k, v in figures.items()},
            "held": {k.decode(): int(v) for k, v in held.items()},
        }
    out["meta"] = {k.decode(): v.decode() for k, v in redis.hgetall(prefix + "meta").items()}
    out["pool"] = {k.decode(): v.decode() for k, v in redis.hgetall(pool + "meta").items()}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync_service.checkout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rebuild = commands.add_parser("rebuild")
    rebuild.add_argument("channels", nargs="*")
    commands.add_parser("sweep")
    show = commands.add_parser("show")
    show.add_argument("channel")
    show.add_argument("skus", nargs="+")
    args = parser.parse_args(argv)

    from sync_service.config import get_settings
    from sync_service.redis import make_sync_redis

    settings = get_checkout_settings()
    redis = make_sync_redis(get_settings())
    if args.command == "rebuild":
        from sync_service.odoo_client import load_gateway

        reports = jobs.rebuild_all(
            load_gateway(get_settings()), redis, settings, args.channels or None
        )
        print(json.dumps(reports, indent=2))
        return 0 if all(r["status"] == "ok" for r in reports) else 1
    if args.command == "sweep":
        jobs.sweep_all(redis, settings)
        return 0
    print(json.dumps(_show(redis, settings, args.channel, args.skus), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
