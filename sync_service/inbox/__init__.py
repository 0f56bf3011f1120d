"""The inbox: signed webhooks in, verified, deduplicated and stored durably before the 2xx."""
