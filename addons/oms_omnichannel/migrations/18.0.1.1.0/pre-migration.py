"""Decisions made before 18.0.1.1.0 stored their explanation as text; newer ones store it as
data rendered in the reader's language. Keep the old text, under the field that shows it."""

from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
    if column_exists(cr, "oms_routing_decision", "explanation") and not column_exists(
        cr, "oms_routing_decision", "explanation_legacy"
    ):
        rename_column(cr, "oms_routing_decision", "explanation", "explanation_legacy")
