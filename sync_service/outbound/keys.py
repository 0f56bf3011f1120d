"""Redis keys of the outbound side."""

CURSOR = "oms:outbox:cursor"
LOCK = "oms:outbox:lock"
RETRY = "oms:outbox:retry"  # zset: JSON {"event", "attempts"} scored by when it is due
DEAD = "oms:outbox:dead"  # stream of pushes that ran out of attempts
RECONCILE_LOCK = "oms:reconcile:lock"
PUSHED_TTL_S = 90 * 24 * 3600  # how long push markers and shop-side ids are remembered


def pushed(channel: str, topic: str, ref: str) -> str:
    """Marker of a push the shop accepted (keyed by outbox id, or as ``shipped_ref`` says)."""
    return f"oms:pushed:{channel}:{topic}:{ref}"


def shipped_ref(picking_id, tracking_number: str | None) -> str:
    """A shipment is pushed once per (picking, tracking number): Odoo publishes the picking
    again when a tracking number is added after validation, and that one must reach the shop."""
    return f"{picking_id}:{tracking_number or ''}"


def fulfilment(channel: str, picking_id) -> str:
    """The shop's fulfilment id of an Odoo picking (Shopify), to update its tracking later."""
    return f"oms:fulfilment:{channel}:{picking_id}"


def picking_tracking(channel: str, picking_id) -> str:
    """The tracking number last pushed for an Odoo picking (Shopware keeps codes per order
    delivery, not per shipment: a corrected number must replace the one sent before)."""
    return f"oms:pushed-tracking:{channel}:{picking_id}"


def watermark(channel: str) -> str:
    return f"oms:reconcile:watermark:{channel}"


def active_tracking(carrier: str) -> str:
    """Tracking numbers still travelling, polled for carriers without webhooks."""
    return f"oms:tracking:active:{carrier}"
