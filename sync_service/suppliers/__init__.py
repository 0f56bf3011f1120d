"""Drop-ship suppliers' own systems: their stock feed, with the API key the supplier issued
itself in Odoo's portal (docs/sync_service.md, "Supplier stock feed"; docs/dropship.md)."""
