"""Carrier tracking: when a scan moves a parcel's status.

One rule for both sides of the contract (docs/contracts.md, ``apply_tracking``): the sync
service drops the scans that cannot move a parcel before it calls Odoo, and the addon applies
the others. A late scan never moves a parcel back along its journey; trouble on the way (an
exception, a failed delivery attempt) is news whenever it is newer than what is known, and a
parcel in trouble moves on when the carrier recovers it - a failed attempt followed by a
delivery ends delivered, not failed.
"""

from __future__ import annotations

from datetime import datetime

# The journey, by how far along it each status puts the parcel.
PROGRESS = {
    "pre_transit": 0,
    "in_transit": 1,
    "out_for_delivery": 2,
    "available_for_pickup": 3,
    "delivered": 4,
    "return_to_sender": 5,
}
# Trouble on the way: not a stage of the journey, it can happen at any of them.
TROUBLE = frozenset({"exception", "failure"})
# The outcomes: once there, only a return can follow a delivery.
FINAL = frozenset({"delivered", "return_to_sender"})
# Every status of the contract; "unknown" (a scan the carrier could not classify) moves nothing.
STATUSES = frozenset({*PROGRESS, *TROUBLE, "unknown"})


def scan_moves_parcel(
    current: str | None,
    new: str,
    current_at: datetime | None = None,
    new_at: datetime | None = None,
) -> bool:
    """Whether a scan of status ``new`` taken at ``new_at`` replaces the parcel's ``current``
    status, set by a scan taken at ``current_at``. The times are compared only where the
    journey's order cannot tell (trouble, two scans of the same stage) and only when both are
    known; without them the newer scan is assumed to be the one arriving."""
    if new not in PROGRESS and new not in TROUBLE:
        return False
    if not current:
        return True
    newer = current_at is None or new_at is None or new_at >= current_at
    if current in FINAL:
        return current == "delivered" and new == "return_to_sender"
    if current in TROUBLE:
        return new in FINAL or newer
    if new in TROUBLE:
        return newer
    stage, now = PROGRESS[new], PROGRESS[current]
    return stage > now or (stage == now and newer)
