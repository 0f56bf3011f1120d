# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier's API key for the sync service's stock endpoint (docs/dropship.md, "The stock
feed by API").

The key is shown once, when issued; only its SHA-256 is kept. A key is random (256 bits), so
a fast hash is enough: nobody can guess a key from its hash, and there is no password to
stretch. The first characters (``prefix``) are kept in clear to find the row and to tell
keys apart in the lists. A key belongs to one drop-ship node and only ever writes that
node's stock; revoking it is immediate.
"""

import hashlib
import hmac
import secrets

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError

KEY_START = "dsk_"
PREFIX_LENGTH = 12


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class OmsDropshipApiKey(models.Model):
    _name = "oms.dropship.api.key"
    _description = "Drop-ship Supplier API Key"
    _order = "active desc, create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Used By", required=True, help="What the key is for, e.g. the supplier's ERP."
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Supplier",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=[("oms_node_kind", "=", "dropship")],
    )
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True)
    prefix = fields.Char(string="Key Starts With", required=True, index=True, readonly=True)
    key_hash = fields.Char(required=True, readonly=True, groups="base.group_system")
    active = fields.Boolean(default=True, readonly=True)
    revoked_date = fields.Datetime(string="Revoked On", readonly=True)
    revoked_by_id = fields.Many2one("res.users", readonly=True)
    last_used_date = fields.Datetime(string="Last Used", readonly=True)

    @api.model
    def _issue(self, warehouse, name):
        """A new key for ``warehouse``: ``(record, the key in clear)`` - the only time the
        key is seen; nothing keeps it."""
        key = KEY_START + secrets.token_urlsafe(32)
        record = self.sudo().create(
            {
                "name": (name or "").strip()[:64] or self.env._("Stock feed"),
                "warehouse_id": warehouse.id,
                "prefix": key[:PREFIX_LENGTH],
                "key_hash": _digest(key),
            }
        )
        warehouse.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(user)s issued the stock feed API key %(prefix)s… (%(name)s).",
                user=self.env.user.name,
                prefix=record.prefix,
                name=record.name,
            )
        )
        return record, key

    def _revoke(self):
        """Refuse these keys from now on (they stay listed, as revoked)."""
        for record in self.sudo().filtered("active"):
            record.write(
                {
                    "active": False,
                    "revoked_date": fields.Datetime.now(),
                    "revoked_by_id": self.env.user.id,
                }
            )
            record.warehouse_id.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s revoked the stock feed API key %(prefix)s… (%(name)s).",
                    user=self.env.user.name,
                    prefix=record.prefix,
                    name=record.name,
                )
            )

    def action_revoke(self):
        """The back office's button: OMS managers only (the supplier revokes in the portal)."""
        if not self.env.user.has_group("oms_omnichannel.group_oms_manager"):
            raise AccessError(self.env._("Only an OMS manager may revoke a supplier's API key."))
        self.check_access("read")
        self._revoke()
        return True

    @api.model
    def _find(self, key):
        """The active key ``key`` is, or an empty recordset (unknown, revoked, malformed)."""
        if not isinstance(key, str) or not key.startswith(KEY_START) or len(key) > 200:
            return self.browse()
        candidates = self.sudo().search([("prefix", "=", key[:PREFIX_LENGTH])])
        digest = _digest(key)
        for candidate in candidates:
            if hmac.compare_digest(candidate.key_hash, digest):
                return candidate
        return self.browse()
