from odoo import fields, models


class OmsRoutingDecisionLine(models.Model):
    """One product quantity of a decision: shipped by a node, transferred, or unfulfilled."""

    _name = "oms.routing.decision.line"
    _description = "Routing Decision Line"
    _order = "decision_id, shipment_index, kind, id"

    decision_id = fields.Many2one(
        "oms.routing.decision", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="decision_id.company_id", store=True, precompute=True)
    kind = fields.Selection(
        [
            ("shipment", "Shipment"),
            ("transfer", "Transfer to pickup store"),
            ("unfulfilled", "Unfulfilled"),
        ],
        required=True,
        default="shipment",
    )
    shipment_index = fields.Integer(
        string="Shipment", help="Lines of the same shipment share the number (1, 2, ...)."
    )
    warehouse_id = fields.Many2one("stock.warehouse", string="Node")
    source_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Transfer From",
        help="For click & collect: the node sending the goods to the pickup store.",
    )
    carrier_id = fields.Many2one("delivery.carrier")
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")
    ship_date = fields.Datetime()
    promised_date = fields.Datetime(string="Promised")
    cost = fields.Float(help="Cost of the shipment (on its first line).")
    reason = fields.Char(help="Why this quantity could not be sourced (reason code).")
    reason_text = fields.Char(string="Why Not")
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        compute="_compute_picking_id",
        help="The delivery (or transfer to the store) that carries this line.",
    )

    def _compute_picking_id(self):
        # Found from the decision's pickings rather than stored: routing creates the lines
        # before the pickings exist, and a second write per line would cost every order.
        for line in self:
            pickings = line.decision_id.picking_ids.filtered(lambda p: p.state != "cancel")
            if line.kind == "transfer":
                pickings = pickings.filtered(
                    lambda p, line=line: (
                        p.oms_shipment_kind == "transfer"
                        and p.picking_type_id.warehouse_id == line.source_warehouse_id
                    )
                )
            elif line.kind == "shipment":
                pickings = pickings.filtered(
                    lambda p, line=line: (
                        p.oms_shipment_kind in ("ship", "pickup")
                        and p.picking_type_id.warehouse_id == line.warehouse_id
                    )
                ).sorted(lambda p: p.picking_type_code != "outgoing")
            else:
                pickings = pickings.browse()
            line.picking_id = pickings[:1]
