# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockWarehouse(models.Model):
    """What returns cost at a node, and where they wait for inspection there."""

    _inherit = "stock.warehouse"

    oms_accepts_returns = fields.Boolean(
        string="Takes Returns", default=True, help="Mailed returns may be sent here."
    )
    oms_return_triage = fields.Boolean(
        string="Triage and Repair",
        help="Inspects and repairs: defective items are sent here.",
    )
    oms_return_parcel_cost = fields.Monetary(
        string="Return Label",
        currency_field="oms_currency_id",
        help="What a return label from a customer to this node costs.",
    )
    oms_return_cost_per_kg = fields.Monetary(
        string="Return Label per kg", currency_field="oms_currency_id"
    )
    oms_return_handling_cost = fields.Monetary(
        string="Return Handling per Unit",
        currency_field="oms_currency_id",
        help="Receiving, inspecting and putting away one returned unit.",
    )
    oms_transfer_unit_cost = fields.Monetary(
        string="Transfer per Unit",
        currency_field="oms_currency_id",
        help="Sending one unit from here to another node (store returns sent on).",
    )

    def _oms_returns_location(self):
        """Where returned goods wait for inspection: not sellable until someone looked."""
        return self._oms_return_sublocation("oms_returns", self.env._("Returns"))

    def _oms_refurbish_location(self):
        return self._oms_return_sublocation("oms_refurbish", self.env._("Refurbishment"))

    def _oms_return_sublocation(self, code, name):
        self.ensure_one()
        Location = self.env["stock.location"].sudo()
        barcode = f"{self.code}-{code}".upper()
        location = Location.with_context(active_test=False).search(
            [("barcode", "=", barcode), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not location:
            location = Location.create(
                {
                    "name": name,
                    "barcode": barcode,
                    "usage": "internal",
                    "location_id": self.view_location_id.id,
                    "company_id": self.company_id.id,
                }
            )
        return location.with_env(self.env)
