# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class OmsStoreRejectReason(models.Model):
    """Why a store rejects an order (or picks less than asked), and what that says about
    its stock.

    The effect corrects what the OMS believes the store holds, by an inventory adjustment
    Odoo keeps (Inventory > Moves History), so routing stops sending what is not there.
    """

    _name = "oms.store.reject.reason"
    _inherit = ["pos.load.mixin"]
    _description = "Store Reject Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: offered to the stores of every company."
    )
    stock_effect = fields.Selection(
        [
            ("none", "None"),
            ("not_on_shelf", "Not on the shelf: nothing left to sell until counted"),
            ("damaged", "Damaged: the quantity is taken off the stock"),
            ("store_full", "No capacity: the store gets nothing more today"),
        ],
        string="Effect",
        required=True,
        default="none",
        help="Not on the shelf: an inventory adjustment takes the product's stock at the "
        "store down to what other orders reserved (nothing left to sell), and asks for a "
        "count. Damaged: an inventory adjustment takes the rejected quantity off. No "
        "capacity: routing sends the store nothing more until the end of its day.",
    )
    for_short_pick = fields.Boolean(
        string="For Missing Items",
        default=True,
        help="Offered when an item is missing while picking (not only when rejecting the "
        "whole order).",
    )

    @api.model
    def _load_pos_data_domain(self, data):
        company_id = data["pos.config"]["data"][0]["company_id"]
        return [("company_id", "in", (False, company_id))]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "stock_effect", "for_short_pick", "sequence"]
