"""Checkout APIs for web shops: availability, delivery promise and race-free reservations.

For the other parts of the sync service:

- ``router`` - include it in the app (``app.include_router(checkout.router.router)``);
- ``projection.apply_stock_changes(events, redis=..., settings=...)`` - the outbox consumer
  passes every fetched batch;
- ``projection.rebuild_projection(channel, gateway.export_sellable, redis=..., settings=...)``
  - on a schedule (beat);
- ``reservations.convert_hold(reservation_id, order_ref, redis=..., settings=...)`` - the
  ingest worker, once Odoo accepted an order carrying a ``reservation_id``;
- ``reservations.sweep_holds(channels, redis=..., settings=...)`` - on a schedule (beat).
"""
