# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The operator commands, on a real Redis."""

from __future__ import annotations

import json

from sync_service.checkout.__main__ import main
from sync_service.checkout.config import get_checkout_settings
from sync_service.checkout.scripts import pool_prefix
from sync_service.config import get_settings
from tests.sync.checkout_conftest import (  # noqa: F401
    API_KEY,
    CHANNEL,
    checkout_redis_server,
    ck_settings,
    rds,
    seed,
)


def test_show_and_sweep(checkout_redis_server, rds, ck_settings, monkeypatch, capsys):
    monkeypatch.setenv("OMS_REDIS_URL", checkout_redis_server.url)
    monkeypatch.setenv("OMS_ODOO_API_KEY", "cli-test-key")
    monkeypatch.setenv("OMS_CHECKOUT_API_KEYS", json.dumps({CHANNEL: API_KEY}))
    get_settings.cache_clear()
    get_checkout_settings.cache_clear()
    try:
        seed(rds, ck_settings, [("A", "DC1", 4), ("A", "ST1", 1)])
        pool = pool_prefix(ck_settings)
        rds.zadd(pool + "exp", {"webshop.dead": 1})  # a hold long expired
        rds.hset(pool + "hold:webshop.dead", mapping={"state": "active", "lines": '[["A","",2]]'})
        rds.hset(pool + "h:A", mapping={"t": 2, "*": 2})
        rds.hset(pool + "ht", "A", 2)
        assert main(["sweep"]) == 0
        assert main(["show", CHANNEL, "A"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["skus"]["A"] == {"nodes": {"DC1": 4, "ST1": 1}, "held": {}}
        assert rds.hget(pool + "hold:webshop.dead", "state") == b"expired"
    finally:
        get_settings.cache_clear()
        get_checkout_settings.cache_clear()
