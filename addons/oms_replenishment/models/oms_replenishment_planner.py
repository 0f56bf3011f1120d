import logging
from datetime import timedelta

from odoo import api, fields, models

try:
    from oms_engine.replenishment import demand_from_orders, propose_replenishment
    from oms_engine.replenishment_replay import measure_proposals
except ImportError:  # pragma: no cover - the manifest's external dependency says it
    demand_from_orders = propose_replenishment = measure_proposals = None

_logger = logging.getLogger(__name__)


class OmsReplenishmentPlanner(models.AbstractModel):
    """Runs the engine on the demand and stock of a company and keeps its proposals.

    Safe to run again (the button, the nightly cron, both at once): a proposal still open
    with the same lane (transfer) or the same node and product (purchase) is brought up to
    date instead of proposed twice; an open proposal the engine no longer makes is closed as
    outdated. Confirmed and rejected ones stay as they were.
    """

    _name = "oms.replenishment.planner"
    _description = "Replenishment Planner"

    @api.model
    def _cron_run(self):
        """Every company with warehouses, one after the other; one that fails (a manager
        computing it at the same moment) is logged and left for the next run."""
        companies = self.env["stock.warehouse"].search([]).company_id
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    self.with_company(company)._run(company)
            except Exception:
                _logger.exception("Replenishment proposals of %s failed", company.name)

    @api.model
    def _run(self, company):
        """Compute the proposals of ``company`` from its last days' orders; the open ones.
        Call it as the system (the cron does; the button checks the manager first): nobody
        creates or writes proposals through the ORM."""
        self._lock_company(company)
        now = fields.Datetime.now()
        since = now - timedelta(days=company.oms_replenishment_days)
        data = self.env["oms.replenishment.input"].with_company(company)._read(company, since)
        policy = company._oms_replenishment_policy()
        demand = demand_from_orders(data.network, data.orders, data.ranged)
        plan = propose_replenishment(data.network, demand, data.stock, policy, data.ranged)
        plan = measure_proposals(data.network, data.orders, data.stock, plan)
        _logger.info(
            "Replenishment of %s: %d orders, %d transfers, %d purchases",
            company.name,
            len(data.orders),
            len(plan.transfers),
            len(plan.purchases),
        )
        common = {
            "company_id": company.id,
            "period_start": fields.Date.context_today(self, since),
            "period_end": fields.Date.context_today(self, now),
            "replay_order_count": len(data.orders),
        }
        by_node = self.env["oms.network"]._get_warehouse_by_node(
            self.env["oms.network"]._get_nodes(company)
        )
        vals_list = [self._transfer_vals(t, by_node, policy) for t in plan.transfers]
        vals_list += [self._purchase_vals(p, by_node) for p in plan.purchases]
        return self._keep(company, [{**common, **vals} for vals in vals_list])

    @api.model
    def _lock_company(self, company):
        """One computation per company at a time. A second one started meanwhile fails at
        once (lock not available), which Odoo retries for a web request; its retry reads the
        first one's proposals and brings them up to date. (Waiting instead would not do: its
        snapshot, taken before, would not see them and it would propose them again.) Key
        share locks - rows inserted with the company - do not conflict with this one."""
        self.env.cr.execute(
            "SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE NOWAIT", (company.id,)
        )

    @api.model
    def _keep(self, company, vals_list):
        Proposal = self.env["oms.replenishment.proposal"]
        open_ones = Proposal.search([("company_id", "=", company.id), ("state", "=", "open")])
        by_key = {proposal.key: proposal for proposal in open_ones}
        kept = Proposal
        to_create = []
        for vals in vals_list:
            proposal = by_key.pop(vals["key"], None)
            if proposal is None:
                to_create.append(vals)
            else:
                proposal.write({**vals, "line_ids": [fields.Command.clear(), *vals["line_ids"]]})
                kept |= proposal
        kept |= Proposal.create(to_create)
        outdated = Proposal.concat(*by_key.values())
        outdated.write({"state": "outdated"})
        return kept

    @api.model
    def _saving_vals(self, saving):
        if saving is None:
            return {}
        return {
            "orders_changed": saving.orders_changed,
            "packages_saved": saving.packages,
            "shipping_saved": saving.shipping_cost,
            "split_orders_saved": saving.split_orders,
            "units_short_saved": saving.units_short,
            "late_days_saved": saving.late_days,
            "net_saving": saving.net,
        }

    @api.model
    def _transfer_vals(self, transfer, by_node, policy):
        source, destination = by_node[transfer.from_node], by_node[transfer.to_node]
        cover = (
            policy.store_cover_days
            if destination.oms_node_kind == "store"
            else policy.dc_cover_days
        )
        lines = []
        for line in transfer.lines:
            params = line.reason.params
            lines.append(
                fields.Command.create(
                    {
                        "product_id": int(line.sku),
                        "quantity": line.quantity,
                        "reason_data": {
                            "weekly_demand": params["weekly_demand"],
                            "on_hand": params["on_hand"],
                            "target": params["target"],
                            "cover_days": cover,
                            "source_on_hand": params["source_on_hand"],
                            "source_target": params["source_target"],
                        },
                    }
                )
            )
        return {
            "kind": "transfer",
            "key": f"transfer:{source.id}:{destination.id}",
            "source_warehouse_id": source.id,
            "warehouse_id": destination.id,
            "distance_km": transfer.distance_km,
            "cost": transfer.cost,
            "reason_data": {"km": transfer.distance_km},
            "line_ids": lines,
            **self._saving_vals(transfer.saving),
        }

    @api.model
    def _purchase_vals(self, purchase, by_node):
        warehouse = by_node[purchase.node]
        meant = [by_node[node].id for node in purchase.for_nodes if node in by_node]
        return {
            "kind": "purchase",
            "key": f"purchase:{warehouse.id}:{purchase.sku}",
            "warehouse_id": warehouse.id,
            "for_warehouse_ids": [fields.Command.set(meant)],
            "reason_data": {"weekly_demand": purchase.reason.params["weekly_demand"]},
            "line_ids": [
                fields.Command.create(
                    {"product_id": int(purchase.sku), "quantity": purchase.quantity}
                )
            ],
            **self._saving_vals(purchase.saving),
        }
