from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        # The router marks the procurements of the units it could not source.
        return [*super()._get_custom_move_fields(), "oms_backorder"]
