"""Carriers: tracking webhooks and polling, normalised to one monotonic status."""
