"""sync_service: shop and carrier webhooks, checkout APIs, feeds back to shops."""
