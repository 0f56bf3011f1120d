"""Redis key names of the inbox (one place, so API, workers and operators agree)."""

STREAM = "oms:inbox"
GROUP = "ingest"
RETRY = "oms:inbox:retry"  # zset: JSON of the event's fields, scored by when it is due
DEAD = "oms:inbox:dead"  # stream of events that ran out of attempts
# String: the token of the one worker draining the inbox into Odoo (docs/sync_service.md).
INGEST_LEASE = "oms:inbox:ingest-lease"
# Set: stream ids of events read while Odoo could not be reached, still pending in the group;
# the next drain that reaches Odoo takes them first (worker/breaker.py).
PARKED = "oms:inbox:parked"
# Hash: Odoo's circuit breaker (absent = Odoo answers): since_ms, probe_at_ms, failures, error.
ODOO_BREAKER = "oms:odoo:breaker"


def dedupe(source: str, delivery_id: str) -> str:
    return f"oms:dedupe:{source}:{delivery_id}"


def order_version(channel: str, external_id: str) -> str:
    return f"oms:order-version:{channel}:{external_id}"


def order_ingested(channel: str, external_id: str) -> str:
    """The newest "<version> <digest>" Odoo answered for (worker/versions.py)."""
    return f"oms:order-ingested:{channel}:{external_id}"


def tracking_status(carrier: str, tracking_number: str) -> str:
    return f"oms:tracking:{carrier}:{tracking_number}"
