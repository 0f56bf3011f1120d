"""``/health``: is Redis reachable, is Odoo reachable, and what needs a person.

503 only when Redis is down: then webhooks cannot be stored and the shops must retry. Odoo
down, dead letters, a lagging inbox do not stop intake; they are ``alerts`` in the body (and
``oms_alert`` in /metrics) with ``status: "attention"``.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sync_service.alerts import alerts, read_state
from sync_service.redis import RedisDep, SettingsDep

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health(redis: RedisDep, settings: SettingsDep) -> JSONResponse:
    checks: dict[str, str] = {}
    body: dict = {}
    try:
        state = await read_state(redis)
        checks["redis"] = "ok"
    except Exception as exc:  # any failure means "not reachable"; say which
        checks["redis"] = f"down: {type(exc).__name__}"
        state = None
    checks["odoo"] = await _odoo_check(settings.odoo_url)
    if state is not None:
        body["ingest"] = {
            "waiting": state.waiting,
            "retrying": state.retrying,
            "oldest_waiting_s": round(state.oldest_s, 1),
            "dead_letters": {"inbox": state.dead_inbox, "outbox": state.dead_outbox},
            "held_for_odoo_s": round(state.outage.held_s(), 1) if state.outage else 0.0,
        }
        body["alerts"] = alerts(state, settings)
    if state is None:
        status, code = "degraded", 503
    else:
        status, code = ("attention" if body["alerts"] else "ok"), 200
    return JSONResponse({"status": status, "checks": checks, **body}, status_code=code)


async def _odoo_check(odoo_url: str) -> str:
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            reply = await client.post(
                f"{odoo_url}/jsonrpc",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {"service": "common", "method": "version", "args": []},
                },
            )
            reply.raise_for_status()
        return "ok"
    except Exception as exc:
        return f"down: {type(exc).__name__}"
