from odoo import api, fields, models


class OmsRoutingDecision(models.Model):
    _inherit = "oms.routing.decision"

    trigger = fields.Selection(
        selection_add=[
            ("carrier_off", "Carrier switched off"),
            ("wave", "Re-decided in a wave"),
        ],
        ondelete={"carrier_off": "set default", "wave": "set default"},
    )
    # What the engine was asked and what it answered (the replay's input): the order as the
    # engine saw it, the sellable stock of its products per node, the nodes switched off, and
    # the plan's figures. Recorded by the router for every routing it runs.
    oms_replay_input = fields.Json(string="Engine Input (for replay)", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        # The router's engine input of each order (oms.router._run_engine), in the same INSERT.
        inputs = self.env.context.get("oms_tower_inputs")
        if inputs:
            for vals in vals_list:
                recorded = inputs.pop(vals.get("sale_order_id"), None)
                if recorded is not None and vals.get("method") != "":
                    vals["oms_replay_input"] = recorded
        return super().create(vals_list)
