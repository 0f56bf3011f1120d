"""Shipping labels: Odoo asks (outbox ``label.requested``), a carrier adapter buys, Odoo gets
the label back (``oms.intake.apply_labels``). Nothing in an Odoo transaction talks to a
carrier (design.md, decision 4); the adapter is behind :class:`~.base.LabelCarrier`, so a
second carrier is one module more."""
