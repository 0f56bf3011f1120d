"""Checkout APIs for web shops: availability, delivery promise and race-free reservations.

For the other parts of the sync service (details in docs/checkout.md):

- ``router.router`` - included in the app by ``sync_service.main.create_app``;
- ``jobs.on_outbox_batch(events, redis)`` - the outbox consumer, for every fetched batch;
- ``jobs.on_orders_ingested(orders, results, redis)`` - the ingest worker, after
  ``ingest_orders`` (converts the holds of accepted orders: ``reservations.convert_hold``);
- ``jobs.rebuild_all(gateway, redis)`` and ``jobs.sweep_all(redis)`` - beat.
"""
