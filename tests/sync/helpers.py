"""Shared builders of the sync tests: settings, signed deliveries from the JSON fixtures."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path

from sync_service.config import Settings
from sync_service.inbox.providers.generic import sign

FIXTURES = Path(__file__).parent / "fixtures"

SHOPIFY_SECRET = "shpss_test_shopify_secret"
WOO_SECRET = "wc_test_secret"
SHOPWARE_SECRET = "shopware_app_secret"
GENERIC_SECRET = "whsec_" + base64.b64encode(b"generic-channel-secret-0123456789").decode()
EASYPOST_SECRET = "easypost_webhook_secret"
AFTERSHIP_SECRET = "aftership_webhook_secret"


def make_settings(redis_url: str, **overrides) -> Settings:
    values = {
        "environment": "test",
        "redis_url": redis_url,
        "odoo_api_key": "test-api-key",
        "channels": {
            "webshop": {"provider": "shopify", "secret": SHOPIFY_SECRET},
            "woo": {"provider": "woocommerce", "secret": WOO_SECRET},
            "sw6": {"provider": "shopware", "secret": SHOPWARE_SECRET},
            "custom": {"provider": "generic", "secret": GENERIC_SECRET},
        },
        "carriers": {
            "dhl": {"format": "easypost", "secret": EASYPOST_SECRET},
            "dhl-de": {"format": "aftership", "secret": AFTERSHIP_SECRET},
        },
    }
    values.update(overrides)
    return Settings(**values)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def b64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shopify(
    payload: dict | None = None,
    topic: str = "orders/create",
    webhook_id: str | None = None,
    secret: str = SHOPIFY_SECRET,
) -> tuple[bytes, dict]:
    body = json.dumps(payload if payload is not None else fixture("shopify_order.json")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": b64_hmac(secret, body),
        "X-Shopify-Shop-Domain": "oms-test.myshopify.com",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-API-Version": "2024-10",
    }
    return body, headers


def shopify_order(order_id: int, updated_at: str, **changes) -> dict:
    order = copy.deepcopy(fixture("shopify_order.json"))
    order.update(id=order_id, name=f"#{order_id}", updated_at=updated_at, **changes)
    return order


def woocommerce(
    payload: dict | None = None,
    topic: str = "order.created",
    delivery_id: str | None = None,
    secret: str = WOO_SECRET,
) -> tuple[bytes, dict]:
    body = json.dumps(payload if payload is not None else fixture("woocommerce_order.json"))
    body = body.encode()
    headers = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": "order",
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-Signature": b64_hmac(secret, body),
        "X-WC-Webhook-ID": "3",
        "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex,
        "X-WC-Webhook-Source": "https://woo.example.com/",
    }
    return body, headers


def shopware(payload: dict | None = None, secret: str = SHOPWARE_SECRET) -> tuple[bytes, dict]:
    payload = payload if payload is not None else fixture("shopware_order_placed.json")
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        "shopware-shop-signature": hex_hmac(secret, body),
    }


def generic(
    payload: dict | None = None,
    msg_id: str | None = None,
    timestamp: int | None = None,
    secret: str = GENERIC_SECRET,
) -> tuple[bytes, dict]:
    body = json.dumps(payload if payload is not None else fixture("generic_order.json")).encode()
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    return body, {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def easypost(payload: dict | None = None, secret: str = EASYPOST_SECRET) -> tuple[bytes, dict]:
    body = json.dumps(payload if payload is not None else fixture("easypost_tracker_updated.json"))
    body = body.encode()
    return body, {
        "Content-Type": "application/json",
        "X-Hmac-Signature": "hmac-sha256-hex=" + hex_hmac(secret, body),
    }


def aftership(payload: dict | None = None, secret: str = AFTERSHIP_SECRET) -> tuple[bytes, dict]:
    body = json.dumps(payload if payload is not None else fixture("aftership_tracking_update.json"))
    body = body.encode()
    return body, {
        "Content-Type": "application/json",
        "aftership-hmac-sha256": b64_hmac(secret, body),
    }
