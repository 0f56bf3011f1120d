"""Redis key names of the inbox (one place, so API, workers and operators agree)."""

STREAM = "oms:inbox"
GROUP = "ingest"
RETRY = "oms:inbox:retry"  # zset: JSON of the event's fields, scored by when it is due
DEAD = "oms:inbox:dead"  # stream of events that ran out of attempts
# String: the token of the one worker draining the inbox into Odoo (docs/sync_service.md).
INGEST_LEASE = "oms:inbox:ingest-lease"


def dedupe(source: str, delivery_id: str) -> str:
    return f"oms:dedupe:{source}:{delivery_id}"


def order_version(channel: str, external_id: str) -> str:
    return f"oms:order-version:{channel}:{external_id}"


def tracking_status(carrier: str, tracking_number: str) -> str:
    return f"oms:tracking:{carrier}:{tracking_number}"
