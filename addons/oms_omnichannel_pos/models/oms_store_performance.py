# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .oms_store_order import KINDS, STATES


class OmsStorePerformance(models.Model):
    """How stores handle the orders offered to them: how fast they accept, how often they
    reject (or let the time run out), and whether they keep the promised date. One row per
    store order; the list groups them by store."""

    _name = "oms.store.performance"
    _description = "Store Performance"
    _auto = False
    _order = "date desc, id desc"

    store_order_id = fields.Many2one("oms.store.order", string="Store Order", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Offered On", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    state = fields.Selection(STATES, readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True, aggregator="sum")
    accept_minutes = fields.Float(
        string="Accept Time (min)",
        readonly=True,
        aggregator="avg",
        digits=(12, 1),
        help="Minutes from the offer to its acceptance (orders the store accepted).",
    )
    reject_rate = fields.Float(
        string="Rejected (%)",
        readonly=True,
        aggregator="avg",
        digits=(12, 1),
        help="Share of the orders the store decided on that it rejected or let time out.",
    )
    sla_kept = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        digits=(12, 1),
        help="Share of the finished orders shipped (or ready for pickup) by the promised date.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT so.id,
                           so.id AS store_order_id,
                           so.warehouse_id,
                           so.company_id,
                           so.offered_date::date AS date,
                           so.kind,
                           so.state,
                           1 AS order_count,
                           CASE WHEN so.accepted_date IS NOT NULL AND NOT COALESCE(so.auto_accepted, FALSE)
                                THEN EXTRACT(EPOCH FROM so.accepted_date - so.offered_date) / 60.0
                           END AS accept_minutes,
                           CASE WHEN so.state IN ('rejected', 'timeout') THEN 100.0
                                WHEN so.accepted_date IS NOT NULL AND NOT COALESCE(so.auto_accepted, FALSE)
                                THEN 0.0
                           END AS reject_rate,
                           CASE WHEN so.promised_date IS NULL THEN NULL
                                WHEN so.kind = 'ship' AND so.state = 'done'
                                THEN CASE WHEN so.done_date <= so.promised_date THEN 100.0 ELSE 0.0 END
                                WHEN so.kind != 'ship' AND so.ready_date IS NOT NULL
                                THEN CASE WHEN so.ready_date <= so.promised_date THEN 100.0 ELSE 0.0 END
                           END AS sla_kept
                      FROM oms_store_order so
                )
                """,
                SQL.identifier(self._table),
            )
        )
