from odoo import api, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.tools import SQL

# Which records of the networks changed, and at which version.
CHANGE_TABLE = "oms_network_change"
VERSION_SEQUENCE = "oms_network_version_seq"
# Companies whose network this transaction changed (cursor data Odoo clears at commit and
# rollback); "*": all of them.
DIRTY_KEY = "oms_omnichannel.network_dirty"
ALL_COMPANIES = "*"


class OmsNetworkVersion(models.AbstractModel):
    """Versions of the companies' networks, and which records changed at each.

    A change of a node, carrier, zone, policy or of a node's address writes a row per record
    it changed (model, id, company, version) and sets the companies' network version
    (``res.company.oms_network_version``) to one new version, in the transaction that made
    the change. A process that kept a company's network at an older version reads the rows
    after it and prepares those records again - nothing else - when it next routes for that
    company; a company nobody changed keeps its network.
    """

    _name = "oms.network.version"
    _description = "Fulfilment Network Versions"

    def init(self):
        # One row per record that ever changed (kept up to date, never piling up).
        self.env.cr.execute(
            SQL(
                """
                CREATE SEQUENCE IF NOT EXISTS %s;
                CREATE TABLE IF NOT EXISTS %s (
                    model varchar NOT NULL,
                    res_id integer NOT NULL,
                    company_id integer,
                    version bigint NOT NULL,
                    PRIMARY KEY (model, res_id)
                )
                """,
                SQL.identifier(VERSION_SEQUENCE),
                SQL.identifier(CHANGE_TABLE),
            )
        )

    @api.model
    def _changes_of(self, records):
        """What a change of ``records`` changes in the networks: ``(model, id, company id)``
        triples, company None for a record every company shares; ``res.company`` for a change
        that rebuilds a company's whole network."""
        if not records:
            return []
        model = records._name
        if model == "oms.carrier.zone":
            return self._changes_of(records.carrier_id)
        if model == "res.partner":
            # A node's address; a company's address gives the time zone of nodes without one.
            self.env["stock.warehouse"].flush_model(["partner_id", "company_id"])
            self.env["res.company"].flush_model(["partner_id"])
            self.env.cr.execute(
                """
                SELECT 'stock.warehouse', id, company_id FROM stock_warehouse
                 WHERE partner_id = ANY(%s)
                 UNION ALL
                SELECT 'res.company', id, id FROM res_company WHERE partner_id = ANY(%s)
                """,
                [records.ids, records.ids],
            )
            return self.env.cr.fetchall()
        if model in ("stock.warehouse", "delivery.carrier", "oms.sourcing.policy"):
            return [(model, record.id, record.company_id.id or None) for record in records]
        # Anything else a network is built from: all of it, for the companies concerned.
        if "company_id" in records._fields and all(records.mapped("company_id")):
            return [("res.company", company.id, company.id) for company in records.company_id]
        return self._everything()

    @api.model
    def _everything(self):
        self.env.cr.execute("SELECT id FROM res_company")
        return [("res.company", company_id, company_id) for (company_id,) in self.env.cr.fetchall()]

    @api.model
    def _record(self, changes):
        """Record ``changes`` (see ``_changes_of``) under one new version, and make it the
        network version of every company concerned.

        The version comes from a sequence, so no version is handed out twice, even after a
        rollback. A company's version only grows: two transactions changing the same company
        update the same row, and in REPEATABLE READ the second fails and is retried with a
        newer number.
        """
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            # The addon's records are removed with it (its change table is already gone).
            return
        latest = {}
        left = set()
        for model, res_id, company_id in changes:
            previous = latest.setdefault((model, res_id), company_id)
            if previous != company_id:
                # The record moved to another company: its row names the one it is in now, so
                # the one it left rebuilds its whole network.
                left.add(previous)
                latest[model, res_id] = company_id
        if None in left:
            left = {company_id for _model, company_id, _company in self._everything()}
        for company_id in left:
            latest["res.company", company_id] = company_id
        if not latest:
            return
        companies = set(latest.values())
        everyone = None in companies
        self.env.cr.execute(
            SQL(
                """
                WITH version AS (SELECT nextval(%s) AS value),
                changed AS (
                    INSERT INTO %s (model, res_id, company_id, version)
                    SELECT change.model, change.res_id, change.company_id, version.value
                      FROM unnest(%s::varchar[], %s::integer[], %s::integer[])
                           AS change(model, res_id, company_id), version
                    ON CONFLICT (model, res_id) DO UPDATE
                       SET company_id = EXCLUDED.company_id, version = EXCLUDED.version
                )
                UPDATE res_company SET oms_network_version = version.value
                  FROM version
                 WHERE %s
                """,
                VERSION_SEQUENCE,
                SQL.identifier(CHANGE_TABLE),
                [model for model, _res_id in latest],
                [res_id for _model, res_id in latest],
                list(latest.values()),
                SQL("TRUE") if everyone else SQL("res_company.id = ANY(%s)", sorted(companies)),
            )
        )
        self.env["res.company"].invalidate_model(["oms_network_version"])
        data = self.env.cr.postcommit.data
        # Replaced, not updated: a test's savepoint restores the cursor data it saved.
        data[DIRTY_KEY] = data.get(DIRTY_KEY, frozenset()) | (
            {ALL_COMPANIES} if everyone else companies
        )

    @api.model
    def _read(self, company, since):
        """``{model: {record ids}}`` changed for ``company`` after version ``since``."""
        self.env.cr.execute(
            SQL(
                "SELECT model, res_id FROM %s"
                " WHERE version > %s AND (company_id = %s OR company_id IS NULL)",
                SQL.identifier(CHANGE_TABLE),
                since,
                company.id,
            )
        )
        changes = {}
        for model, res_id in self.env.cr.fetchall():
            changes.setdefault(model, set()).add(res_id)
        return changes

    @api.model
    def _is_dirty(self, company):
        """Whether this transaction sees changes of ``company``'s network that are not
        committed: what is built from them must not outlive it. Under a browser test every
        request sees the test's uncommitted data."""
        if self.env.registry.in_test_mode():
            return True
        dirty = self.env.cr.postcommit.data.get(DIRTY_KEY, ())
        return ALL_COMPANIES in dirty or company.id in dirty
