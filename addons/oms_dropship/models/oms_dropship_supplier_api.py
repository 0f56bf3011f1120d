# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The door the sync service calls with a supplier's stock feed (docs/dropship.md, "The stock
feed by API").

The service calls it as its integration user (group "OMS Integration"), which has no stock
rights of its own: what a call may change is decided here, by the supplier's API key alone.
A key reaches the one drop-ship node it was issued for and nothing else; there is no node to
name in the call. Answers are data (``applied``, ``refused``, ``bad_api_key``, ...), never
exceptions, so the service can answer the supplier precisely.
"""

import base64
import binascii
import hashlib
import json
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError
from psycopg2 import errors as pg_errors

from .oms_dropship_stock_feed import FeedRefused

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,80}$")
FORMATS = ("json", "csv")


class OmsDropshipSupplierApi(models.AbstractModel):
    _name = "oms.dropship.supplier.api"
    _description = "Drop-ship Supplier API (sync service door)"

    @api.model
    def supply_stock(self, api_key, idempotency_key, feed_format, payload):
        """Apply a supplier's stock feed with its API key, once per ``idempotency_key``.

        ``feed_format`` ``"json"``: ``payload`` is a list of ``{"sku", "quantity"}``;
        ``"csv"``: the file's bytes in base64 (as they came: the reader says which line is
        not UTF-8), as the portal takes it. Returns ``{"status": "applied",
        "lines", "changed", "replayed"}``, or ``{"status": "refused", "errors": [{"line",
        "reason"}]}`` (nothing changed), ``bad_api_key`` / ``revoked_api_key``,
        ``idempotency_conflict`` (the key came with another feed), ``in_progress`` (the same
        key is being applied right now) or ``invalid_request``."""
        if not self.env.user.has_group("oms_omnichannel.group_oms_integration"):
            raise AccessError(
                self.env._("Only the sync service's integration user may pass stock feeds on.")
            )
        key = self.env["oms.dropship.api.key"].with_context(active_test=False)._find(api_key)
        if not key:
            return {"status": "bad_api_key", "message": "this API key belongs to no supplier"}
        if not key.active:
            return {"status": "revoked_api_key", "message": "this API key was revoked"}
        warehouse = key.warehouse_id
        if warehouse.oms_node_kind != "dropship" or not warehouse.active:
            return {"status": "bad_api_key", "message": "this API key belongs to no supplier"}
        this = self.with_context(lang=key.create_uid.lang or self.env.lang).with_company(
            warehouse.company_id
        )
        return this._supply_stock(key, idempotency_key, feed_format, payload)

    def _supply_stock(self, key, idempotency_key, feed_format, payload):
        warehouse = key.warehouse_id
        if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY.match(idempotency_key):
            return {
                "status": "invalid_request",
                "message": "send an Idempotency-Key of 1-80 letters, digits, dots, colons, "
                "dashes or underscores",
            }
        if feed_format not in FORMATS:
            return {"status": "invalid_request", "message": "the format is json or csv"}
        fingerprint = hashlib.sha256(
            json.dumps([feed_format, payload], sort_keys=True).encode()
        ).hexdigest()
        Upload = self.env["oms.dropship.stock.upload"].sudo()
        done = Upload.search(
            [("warehouse_id", "=", warehouse.id), ("idempotency_key", "=", idempotency_key)]
        )
        if done:
            return self._replay(done, fingerprint)
        Feed = self.env["oms.dropship.stock.feed"]
        try:
            if feed_format == "csv":
                data = _bytes(payload)
                rows = Feed._parse(warehouse, data)
            else:
                rows = Feed._parse_items(warehouse, payload)
        except FeedRefused as refused:
            return {
                "status": "refused",
                "message": self.env._("Nothing was changed: correct these lines and send again."),
                "errors": [{"line": line, "reason": reason} for line, reason in refused.errors],
            }
        try:
            # Claimed before the stock changes: a second call with this key, at the same
            # moment, waits on the row and is told to retry, then gets this call's answer.
            with self.env.cr.savepoint():
                upload = Upload.create(
                    {
                        "warehouse_id": warehouse.id,
                        "api_key_id": key.id,
                        "idempotency_key": idempotency_key,
                        "fingerprint": fingerprint,
                    }
                )
                upload.flush_recordset()
        except pg_errors.UniqueViolation:
            return {"status": "in_progress", "message": "this feed is being applied; retry"}
        result = Feed._apply_rows(
            warehouse,
            rows,
            lambda result: self.env._(
                "The supplier's system sent its stock with the API key %(prefix)s… (%(name)s): "
                "%(lines)s lines, %(changed)s changed.",
                prefix=key.prefix,
                name=key.name,
                **result,
            ),
        )
        upload.write(result)
        key.sudo().last_used_date = fields.Datetime.now()
        return {"status": "applied", "replayed": False, **result}

    @staticmethod
    def _replay(done, fingerprint):
        if done.fingerprint != fingerprint:
            return {
                "status": "idempotency_conflict",
                "message": "this Idempotency-Key was used for a different stock feed",
            }
        return {"status": "applied", "replayed": True, "lines": done.lines, "changed": done.changed}


def _bytes(payload):
    if not isinstance(payload, str):
        return b""
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return b""
