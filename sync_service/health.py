"""``/health``: is Redis reachable, is Odoo reachable."""

from __future__ import annotations

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sync_service.redis import RedisDep, SettingsDep

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health(redis: RedisDep, settings: SettingsDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        await redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # any failure means "not reachable"; say which
        checks["redis"] = f"down: {type(exc).__name__}"
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            reply = await client.post(
                f"{settings.odoo_url}/jsonrpc",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {"service": "common", "method": "version", "args": []},
                },
            )
            reply.raise_for_status()
        checks["odoo"] = "ok"
    except Exception as exc:
        checks["odoo"] = f"down: {type(exc).__name__}"
    # Redis down stops intake (webhooks get 503); Odoo down only delays ingest.
    status = 200 if checks["redis"] == "ok" else 503
    return JSONResponse(
        {"status": "ok" if status == 200 else "degraded", "checks": checks}, status_code=status
    )
