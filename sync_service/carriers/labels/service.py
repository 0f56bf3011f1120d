"""``label.requested`` events: buy once per key, tell Odoo (``oms.intake.apply_labels``).

Order of steps, so a crash anywhere repeats work and never buys twice: the adapter remembers
what it created at the carrier (Redis, per key) before it pays; a retry finds it and takes
the label already bought. Odoo's answer is idempotent too (a label already attached is
``unchanged``). A carrier that is down parks the event for a retry with backoff; a request
the carrier refuses is reported to Odoo as ``failed``, where a person is asked.
"""

from __future__ import annotations

import base64
import logging

import httpx
import redis

from sync_service.carriers.labels.base import LabelCarrier, LabelError, LabelRequest
from sync_service.carriers.labels.easypost import EasyPostLabels
from sync_service.config import Settings
from sync_service.odoo_client import OdooError

log = logging.getLogger("sync_service.labels")
STATE_TTL_S = 90 * 24 * 3600
LABELS = "labels"  # how parked and dead-lettered label events are marked (their "channel")


def state_key(key: str) -> str:
    return f"oms:label:{key}"


def carrier_for(settings: Settings, http: httpx.Client, request: LabelRequest) -> LabelCarrier:
    """The label carrier the request names (a code of ``OMS_CARRIERS``), else the default
    (``OMS_LABEL_CARRIER``)."""
    code = request.carrier if request.carrier in settings.carriers else settings.label_carrier
    config = settings.carriers.get(code)
    if config is None or not config.api_url:
        raise LabelError(
            f"no label carrier configured ({code or 'OMS_LABEL_CARRIER'})", retryable=True
        )
    return EasyPostLabels(config.api_url, config.api_key.get_secret_value(), http)


def buy_label(
    settings: Settings, client: redis.Redis, odoo, http: httpx.Client, event: dict
) -> str:
    """Buy the label of one ``label.requested`` event and report it to Odoo; the result
    (``bought``, ``failed``, ``unchanged``). Raises :class:`LabelError` (retryable) when the
    carrier or Odoo should be asked again later."""
    request = LabelRequest.from_payload(event.get("payload") or {})
    key = state_key(request.key)
    state = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
    if state.get("reported"):
        return "unchanged"

    def remember(**values: str) -> None:
        client.hset(key, mapping=values)
        client.expire(key, STATE_TTL_S)

    try:
        label = carrier_for(settings, http, request).buy(request, state, remember)
    except LabelError as exc:
        if exc.retryable:
            raise
        answer = {"key": request.key, "status": "failed", "error": str(exc)}
        result = "failed"
    else:
        answer = {
            "key": request.key,
            "status": "bought",
            "tracking_number": label.tracking_number,
            "carrier": label.carrier,
            "label_pdf": base64.b64encode(label.label_pdf).decode(),
            "label_url": label.label_url,
            "cost": str(label.cost),
            "currency": label.currency,
        }
        result = "bought"
    try:
        [reply] = odoo.apply_labels([answer])
    except OdooError as exc:
        raise LabelError(f"Odoo did not take the label: {exc}", retryable=True) from None
    if reply.get("status") == "error":
        error = reply.get("error") or {}
        raise LabelError(f"Odoo refused the label: {error.get('message')}", retryable=False)
    remember(reported=result)
    log.info("label %s", result, extra={"key": request.key})
    return result
