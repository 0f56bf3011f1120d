from odoo import api, fields, models


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
        help="Shipment: a node sends it to the customer (or a store hands it over). "
        "Transfer: a node sends it to the pickup store. Unfulfilled: no node sources it.",
    )
    shipment_index = fields.Integer(
        string="Shipment", help="Lines of the same shipment share the number (1, 2, ...)."
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Node",
        help="The node that ships it (a transfer: the pickup store it goes to).",
    )
    source_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Transfer From",
        help="For click & collect: the node sending the goods to the pickup store.",
    )
    carrier_id = fields.Many2one("delivery.carrier")
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(
        digits="Product Unit of Measure", help="In the product's unit of measure."
    )
    ship_date = fields.Datetime(string="Leaves On", help="When the node hands it to the carrier.")
    promised_date = fields.Datetime(
        string="Promised", help="When the customer gets it (collected: when it is ready)."
    )
    cost = fields.Float(
        string="Shipping Cost",
        help="Handling and carrier cost of the whole shipment, in the company's currency "
        "(on the shipment's first line only).",
    )
    reason = fields.Char(
        string="Reason Code", help="Why the quantity has no source, as the router codes it."
    )
    reason_text = fields.Char(
        string="Why Not", compute="_compute_reason_text", help="Why the quantity has no source."
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Transfer",
        compute="_compute_picking_id",
        help="The delivery (or transfer to the store) that carries this line.",
    )

    def _add_precomputed_values(self, vals_list):
        # As the decision's: the company is the decision's, in the cache (the decision was
        # just created with its lines), without a draft record per line.
        company = self._fields["company_id"]
        shortcut = []
        for vals in vals_list:
            if vals.get("decision_id") and "company_id" not in vals:
                decision = self.env["oms.routing.decision"].sudo().browse(vals["decision_id"])
                vals["company_id"] = decision.company_id.id
                shortcut.append(vals)
        result = super()._add_precomputed_values(vals_list)
        for vals in shortcut:
            vals["__precomputed__"] = set(vals.get("__precomputed__", ())) | {company}
        return result

    @api.depends("reason")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        explanation = self.env["oms.routing.explanation"]
        for line in self:
            line.reason_text = explanation._reason_text(line.reason) if line.reason else False

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
