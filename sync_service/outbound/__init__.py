"""Outbound: Odoo's outbox pulled by cursor and pushed to each shop; reconciliation."""
