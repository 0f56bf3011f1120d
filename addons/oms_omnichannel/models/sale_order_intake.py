# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrder(models.Model):
    """What ``oms.intake`` keeps on an order to stay idempotent and to answer the shop."""

    _inherit = "sale.order"

    oms_external_id = fields.Char(
        string="External Order ID",
        copy=False,
        index="btree_not_null",
        help="The shop's id of this order, unique per channel.",
    )
    oms_external_version = fields.Char(
        string="External Version",
        copy=False,
        help="Last version of the shop's order applied here (the shop's updated_at in ms). "
        "Kept as text: it may exceed a 32-bit integer.",
    )
    oms_external_name = fields.Char(
        string="Shop Order Number", copy=False, help="The order number the customer sees."
    )
    oms_reservation_id = fields.Char(
        string="Checkout Reservation",
        copy=False,
        help="Checkout hold converted into this order by the sync service.",
    )
    oms_payment_status = fields.Selection(
        [("pending", "Pending"), ("authorized", "Authorized"), ("paid", "Paid")],
        string="Payment Status",
        copy=False,
        tracking=True,
    )
    oms_payment_method = fields.Char(string="Payment Method", copy=False)
    oms_payment_reference = fields.Char(string="Payment Reference", copy=False)
    oms_payment_amount = fields.Monetary(string="Amount Paid", copy=False)
    oms_shipping_price = fields.Monetary(
        string="Shipping Paid", copy=False, help="Shipping price the customer paid in the shop."
    )

    _sql_constraints = [
        (
            "oms_external_id_channel_unique",
            "unique(oms_channel_id, oms_external_id)",
            "An external order id must be unique per channel.",
        ),
    ]

    def _oms_external_version_int(self):
        self.ensure_one()
        try:
            return int(self.oms_external_version or 0)
        except ValueError:
            return 0
