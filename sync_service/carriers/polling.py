"""Polling for carriers without webhooks: each parcel still travelling is asked for its
tracker (EasyPost-like ``GET {poll_url}/trackers/{tracking_code}``) and the answer enters the
inbox like a webhook would, so the same dedupe and monotonic rules apply."""

from __future__ import annotations

import logging

import httpx
import orjson
import redis

from sync_service.canonical import TrackingStatus
from sync_service.carriers.normalise import EpTracker, easypost_event
from sync_service.config import Settings
from sync_service.errors import SyncError
from sync_service.inbox.providers.base import Delivery, validate
from sync_service.inbox.store import store_sync
from sync_service.outbound.keys import active_tracking

log = logging.getLogger("sync_service.carriers")
FINAL = {TrackingStatus.delivered, TrackingStatus.return_to_sender}


def poll_all(settings: Settings, client: redis.Redis, http: httpx.Client | None = None) -> int:
    http = http or httpx.Client(timeout=20)
    stored = 0
    for code, carrier in settings.carriers.items():
        if carrier.poll_url:
            stored += poll_carrier(settings, client, http, code, carrier)
    return stored


def poll_carrier(settings, client, http, code: str, carrier) -> int:
    stored = 0
    headers = {"Authorization": f"Bearer {carrier.api_key.get_secret_value()}"}
    for raw_number in sorted(client.smembers(active_tracking(code))):
        number = raw_number.decode()
        try:
            reply = http.get(f"{carrier.poll_url}/trackers/{number}", headers=headers)
            reply.raise_for_status()
            tracker = validate(EpTracker, reply.json())
        except (httpx.HTTPError, SyncError, ValueError) as exc:
            log.warning("poll failed: %s", exc, extra={"carrier": code, "tracking_number": number})
            continue
        version = f"{tracker.status}:{tracker.updated_at.isoformat()}"
        event = easypost_event(code, tracker, f"poll-{version}")
        delivery = Delivery(f"poll:{number}:{version}", "tracker.polled", "tracking",
                            event.model_dump(mode="json"))  # fmt: skip
        outcome = store_sync(client, settings.dedupe_ttl_s, code, "poll", delivery,
                             orjson.dumps(reply.json()))  # fmt: skip
        stored += outcome == "accepted"
        if event.status in FINAL:
            client.srem(active_tracking(code), number)
    return stored
