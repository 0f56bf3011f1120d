"""Carrier tracking payloads (EasyPost tracker events, AfterShip webhooks) -> TrackingEvent.

EasyPost signs with ``X-Hmac-Signature: hmac-sha256-hex=<hex>``; AfterShip with
``aftership-hmac-sha256: <base64>``; both over the raw body with the webhook secret.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from sync_service.canonical import Moment, TrackingEvent, TrackingStatus, dump
from sync_service.errors import BadSignature
from sync_service.inbox.providers.base import (
    Delivery,
    build,
    check_base64_hmac,
    check_hex_hmac,
    iso_utc,
    validate,
)

EASYPOST_STATUS = {
    "pre_transit": TrackingStatus.pre_transit,
    "in_transit": TrackingStatus.in_transit,
    "out_for_delivery": TrackingStatus.out_for_delivery,
    "delivered": TrackingStatus.delivered,
    "available_for_pickup": TrackingStatus.available_for_pickup,
    "return_to_sender": TrackingStatus.return_to_sender,
    "failure": TrackingStatus.failure,
    "cancelled": TrackingStatus.exception,
    "error": TrackingStatus.exception,
}
AFTERSHIP_TAG = {
    "Pending": TrackingStatus.pre_transit,
    "InfoReceived": TrackingStatus.pre_transit,
    "InTransit": TrackingStatus.in_transit,
    "OutForDelivery": TrackingStatus.out_for_delivery,
    "AttemptFail": TrackingStatus.failure,
    "Delivered": TrackingStatus.delivered,
    "AvailableForPickup": TrackingStatus.available_for_pickup,
    "Exception": TrackingStatus.exception,
}


class EpLocation(BaseModel):
    city: str | None = None
    country: str | None = None


class EpDetail(BaseModel):
    status: str
    message: str | None = None
    datetime: Moment
    tracking_location: EpLocation | None = None


class EpTracker(BaseModel):
    id: str
    tracking_code: str
    status: str
    carrier: str
    updated_at: Moment
    tracking_details: list[EpDetail] = []


class EpEvent(BaseModel):
    id: str
    description: str
    result: EpTracker


class AsCheckpoint(BaseModel):
    checkpoint_time: Moment
    tag: str
    message: str = ""
    location: str | None = None


class AsTracking(BaseModel):
    tracking_number: str
    slug: str
    tag: str
    updated_at: Moment
    checkpoints: list[AsCheckpoint] = []


class AsWebhook(BaseModel):
    event_id: str
    event: str
    msg: AsTracking


def verify(fmt: str, headers: Mapping[str, str], body: bytes, secret: str) -> None:
    if fmt == "easypost":
        header = headers.get("x-hmac-signature") or ""
        check_hex_hmac(secret, body, header.removeprefix("hmac-sha256-hex=") or None)
    elif fmt == "aftership":
        check_base64_hmac(secret, body, headers.get("aftership-hmac-sha256"))
    else:
        raise BadSignature(f"unknown carrier format {fmt!r}")


def easypost_event(carrier: str, tracker: EpTracker, event_id: str) -> TrackingEvent:
    last = tracker.tracking_details[-1] if tracker.tracking_details else None
    location = last.tracking_location if last and last.tracking_location else None
    return build(
        TrackingEvent,
        "result.",
        carrier=carrier,
        tracking_number=tracker.tracking_code,
        status=EASYPOST_STATUS.get(tracker.status, TrackingStatus.unknown),
        occurred_at=iso_utc(last.datetime if last else tracker.updated_at),
        event_id=f"{carrier}:{tracker.tracking_code}:{event_id}",
        location=(location.city or "") if location else "",
        message=(last.message or "") if last else "",
    )


def parse(fmt: str, carrier: str, payload: object) -> Delivery:
    if fmt == "easypost":
        hook = validate(EpEvent, payload)
        event = easypost_event(carrier, hook.result, hook.id)
        return Delivery(hook.id, hook.description, "tracking", dump(event))
    hook = validate(AsWebhook, payload)
    last = hook.msg.checkpoints[-1] if hook.msg.checkpoints else None
    event = build(
        TrackingEvent,
        "msg.",
        carrier=carrier,
        tracking_number=hook.msg.tracking_number,
        status=AFTERSHIP_TAG.get(hook.msg.tag, TrackingStatus.unknown),
        occurred_at=iso_utc(last.checkpoint_time if last else hook.msg.updated_at),
        event_id=f"{carrier}:{hook.msg.tracking_number}:{hook.event_id}",
        location=(last.location or "") if last else "",
        message=last.message if last else "",
    )
    return Delivery(hook.event_id, hook.event, "tracking", dump(event))
