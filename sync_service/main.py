"""The API's app factory: ``create_app()``.

Routers are thin: they verify, store and answer; the work happens in Celery tasks
(fastapi-best-practices layout, one package per domain). Other packages add their router here
with one ``app.include_router(...)`` line.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from sync_service.checkout.fast_path import CheckoutFastPath
from sync_service.checkout.router import router as checkout_router
from sync_service.config import Settings, get_settings
from sync_service.customer_service.router import router as customer_service_router
from sync_service.errors import SyncError, http_error_handler, sync_error_handler
from sync_service.health import router as health_router
from sync_service.inbox.fast_path import WebhookFastPath
from sync_service.inbox.router import document_bodies
from sync_service.inbox.router import router as inbox_router
from sync_service.metrics import process_metrics, shared_metrics
from sync_service.redis import RedisDep, make_async_redis
from sync_service.suppliers.router import router as suppliers_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.redis = make_async_redis(settings)
        try:
            yield
        finally:
            await app.state.redis.aclose()

    app = FastAPI(
        title="OMS sync service",
        version="0.1.0",
        summary="Shop and carrier webhooks in, orders into Odoo, status and stock back out.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.redis = None
    app.add_exception_handler(SyncError, sync_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)

    app.include_router(health_router)
    app.include_router(inbox_router)
    WebhookFastPath.install(app)
    app.include_router(checkout_router)
    CheckoutFastPath.install(app)
    app.include_router(customer_service_router)
    app.include_router(suppliers_router)

    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = document_bodies(default_openapi())
        return app.openapi_schema

    app.openapi = openapi

    @app.get("/metrics", include_in_schema=False)
    async def metrics(redis: RedisDep) -> Response:
        shared = await shared_metrics(redis, settings)
        return Response(process_metrics() + shared, media_type=CONTENT_TYPE_LATEST)

    return app
