"""Redis keys of the outbound side."""

CURSOR = "oms:outbox:cursor"
LOCK = "oms:outbox:lock"
RETRY = "oms:outbox:retry"  # zset: JSON {"event", "attempts"} scored by when it is due
DEAD = "oms:outbox:dead"  # stream of pushes that ran out of attempts
RECONCILE_LOCK = "oms:reconcile:lock"


def pushed(channel: str, topic: str, ref: str) -> str:
    """Marker of a push the shop accepted (fulfilment keyed by picking id, etc.)."""
    return f"oms:pushed:{channel}:{topic}:{ref}"


def watermark(channel: str) -> str:
    return f"oms:reconcile:watermark:{channel}"


def active_tracking(carrier: str) -> str:
    """Tracking numbers still travelling, polled for carriers without webhooks."""
    return f"oms:tracking:active:{carrier}"
