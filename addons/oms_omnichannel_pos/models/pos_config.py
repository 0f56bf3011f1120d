# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oms_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        compute="_compute_oms_warehouse_id",
        store=True,
        index="btree_not_null",
        help="The store this point of sale works for: its operation type's warehouse. The "
        "till lists the orders routed to it.",
    )
    oms_channel_id = fields.Many2one(
        "oms.channel",
        string="Sales Channel",
        check_company=True,
        domain="[('kind', '=', 'pos')]",
        help="The channel of what the till sells for delivery elsewhere (endless aisle). "
        "Empty: the company's point-of-sale channel.",
    )
    oms_store_queue = fields.Boolean(
        string="Store Orders",
        default=True,
        help="Show the orders routed to the store on this till, with a sound for new ones.",
    )

    @api.depends("picking_type_id.warehouse_id", "warehouse_id")
    def _compute_oms_warehouse_id(self):
        for config in self:
            config.oms_warehouse_id = config.picking_type_id.warehouse_id or config.warehouse_id

    def _oms_channel(self):
        self.ensure_one()
        return self.oms_channel_id or self.env["oms.channel"].sudo().search(
            [("kind", "=", "pos"), ("company_id", "=", self.company_id.id)], limit=1
        )

    # ------------------------------------------------------------------ demo

    @api.model
    def _oms_demo_tills(self, store_xmlids):
        """Demo data: a till at each of these stores (a chart of accounts first, for a company
        that has none: a till needs journals), with cash and card."""
        tills = self.browse()
        for xmlid in store_xmlids:
            store = self.env.ref(xmlid, raise_if_not_found=False)
            if not store:
                continue
            company = store.company_id
            if not company.chart_template:
                self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=True)
            methods = self._oms_demo_payment_methods(company, store)
            till = self.search([("oms_warehouse_id", "=", store.id)], limit=1) or self.with_company(
                company
            ).create(
                {
                    "name": store.name,
                    "company_id": company.id,
                    "picking_type_id": store.pos_type_id.id,
                    "payment_method_ids": [fields.Command.set(methods.ids)],
                }
            )
            tills |= till
        return tills

    @api.model
    def _oms_demo_payment_methods(self, company, store):
        """Card, shared by the company's tills, and cash: a till's own (Odoo counts each
        till's cash apart)."""
        Method = self.env["pos.payment.method"].with_company(company)
        Journal = self.env["account.journal"].with_company(company)
        cash = Journal.search([("company_id", "=", company.id), ("type", "=", "cash")], limit=1)
        bank = Journal.search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        methods = Method.browse()
        if bank:
            methods |= Method.search(
                [("company_id", "=", company.id), ("journal_id", "=", bank.id)], limit=1
            ) or Method.create({"name": "Card", "journal_id": bank.id, "company_id": company.id})
        if cash:
            # Odoo counts each till's cash in a journal of its own.
            till_cash = Journal.create(
                {
                    "name": f"Cash {store.name}",
                    "type": "cash",
                    "code": f"C{store.code}"[:5],
                    "company_id": company.id,
                }
            )
            methods |= Method.create(
                {"name": "Cash", "journal_id": till_cash.id, "company_id": company.id}
            )
        return methods
