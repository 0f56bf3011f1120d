# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier's stock feed: a CSV file of ``sku,quantity`` lines that becomes the drop-ship
node's stock (an inventory adjustment at the node's stock location, as Odoo's Physical
Inventory applies it).

All or nothing: the file is read whole first, every line that cannot be applied is refused
with its number and the reason, and only a file without any refused line changes stock.
Applying the same file again changes nothing (quantities already right are left alone).
"""

import csv
import math
import re

from markupsafe import Markup
from odoo import api, models
from odoo.tools import float_compare, float_round

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 50000
MAX_ERRORS = 200
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class FeedRefused(Exception):
    """The file was refused: ``errors`` is a list of ``(line number, reason)``."""

    def __init__(self, errors):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in errors))
        self.errors = errors


class OmsDropshipStockFeed(models.AbstractModel):
    _name = "oms.dropship.stock.feed"
    _description = "Drop-ship Supplier Stock Feed"

    @api.model
    def _apply(self, warehouse, data):
        """Make ``data`` (the file's bytes) the stock of ``warehouse``; return
        ``{"lines": n, "changed": n}``, or raise ``FeedRefused`` and change nothing."""
        rows = self._parse(warehouse, data)
        return self._apply_rows(
            warehouse,
            rows,
            lambda result: self.env._(
                "%(user)s uploaded the supplier's stock: %(lines)s lines, %(changed)s changed.",
                user=self.env.user.name,
                **result,
            ),
        )

    @api.model
    def _apply_rows(self, warehouse, rows, note):
        """Set the checked ``rows`` (``[(product, quantity)]``) as the stock of ``warehouse``
        and note it in its chatter (``note(result)``, in plain words); return
        ``{"lines": n, "changed": n}``."""
        location = warehouse.lot_stock_id
        # The supplier is a portal user: Odoo's inventory mode (kept for stock users) is
        # not theirs, so the counted quantities are set in sudo and applied the same way.
        Quant = self.env["stock.quant"].sudo()
        to_apply = Quant
        for product, quantity in rows:
            quants = Quant._gather(product, location, strict=True)
            rounding = product.uom_id.rounding
            if (
                float_compare(sum(quants.mapped("quantity")), quantity, precision_rounding=rounding)
                == 0
            ):
                continue
            quant = quants[:1] or Quant.create(
                {"product_id": product.id, "location_id": location.id}
            )
            others = sum((quants - quant).mapped("quantity"))
            quant.inventory_quantity = quantity - others
            to_apply |= quant
        if to_apply:
            to_apply.with_context(
                inventory_name=self.env._("Supplier stock feed")
            )._apply_inventory()
        result = {"lines": len(rows), "changed": len(to_apply)}
        warehouse.sudo().message_post(body=Markup("<p>%s</p>") % note(result))
        return result

    @api.model
    def _parse(self, warehouse, data):
        """``[(product, quantity)]`` of the file, or ``FeedRefused`` with every bad line."""
        if not data:
            raise FeedRefused([(1, self.env._("The file is empty."))])
        if len(data) > MAX_BYTES:
            raise FeedRefused(
                [
                    (
                        1,
                        self.env._(
                            "The file is larger than %s MB; split it.", MAX_BYTES // (1024 * 1024)
                        ),
                    )
                ]
            )
        errors = []
        texts = []
        raw_lines = data.split(b"\n")
        if raw_lines and raw_lines[0].startswith(b"\xef\xbb\xbf"):
            raw_lines[0] = raw_lines[0][3:]
        for number, raw in enumerate(raw_lines, start=1):
            try:
                text = raw.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError:
                errors.append((number, self.env._('Not UTF-8 text: save the file as "CSV UTF-8".')))
                continue
            if "\x00" in text:
                errors.append(
                    (number, self.env._("Not text: upload a CSV file, not a spreadsheet."))
                )
                continue
            texts.append((number, text))
        if len(raw_lines) > MAX_LINES:
            raise FeedRefused([(1, self.env._("More than %s lines: split the file.", MAX_LINES))])
        texts = [(number, text) for number, text in texts if text.strip()]
        if not texts and not errors:
            raise FeedRefused([(1, self.env._("The file is empty."))])
        if (errors and errors[0][0] == 1) or not texts:
            raise FeedRefused(errors[:MAX_ERRORS])
        header_number, header = texts[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        columns = [c.strip().lower() for c in next(csv.reader([header], delimiter=delimiter))]
        if sorted(columns) != ["quantity", "sku"]:
            raise FeedRefused(
                [
                    (
                        header_number,
                        self.env._(
                            "The first line must name the two columns: sku,quantity (it says %s).",
                            header.strip()[:80],
                        ),
                    )
                ]
            )
        sku_at, qty_at = columns.index("sku"), columns.index("quantity")
        parsed = []
        for number, text in texts[1:]:
            cells = next(csv.reader([text], delimiter=delimiter))
            if len(cells) != 2:
                errors.append(
                    (
                        number,
                        self.env._("Expected 2 values (sku and quantity), found %s.", len(cells)),
                    )
                )
                continue
            parsed.append((number, cells[sku_at].strip(), cells[qty_at].strip()))
        return self._check(warehouse, parsed, errors, header_number)

    @api.model
    def _parse_items(self, warehouse, items):
        """``[(product, quantity)]`` of a JSON feed - a list of ``{"sku": ..., "quantity":
        ...}``, item *n* counted as line *n* - checked as the CSV file's lines are, or
        ``FeedRefused`` with every bad item."""
        if not isinstance(items, list) or not items:
            raise FeedRefused([(1, self.env._("The feed has no stock lines."))])
        if len(items) > MAX_LINES:
            raise FeedRefused([(1, self.env._("More than %s lines: split the feed.", MAX_LINES))])
        errors, parsed = [], []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict) or set(item) != {"sku", "quantity"}:
                errors.append(
                    (number, self.env._('Expected an object with "sku" and "quantity" only.'))
                )
                continue
            sku, quantity = item["sku"], item["quantity"]
            if not isinstance(sku, str):
                errors.append((number, self.env._("The SKU must be text.")))
                continue
            if isinstance(quantity, bool) or not isinstance(quantity, (int, float, str)):
                quantity = ""
            parsed.append((number, sku.strip(), str(quantity).strip()))
        return self._check(warehouse, parsed, errors, 1)

    @api.model
    def _check(self, warehouse, parsed, errors, header_number):
        """``[(product, quantity)]`` of ``parsed`` (``[(line, sku, quantity text)]``), or
        ``FeedRefused`` with ``errors`` and every line that cannot be applied."""
        products = self._products(warehouse, {sku for _n, sku, _q in parsed if sku})
        first_seen = {}
        rows = []
        for number, sku, qty_text in parsed:
            reason = None
            product = products.get(sku)
            quantity = _number(qty_text)
            if not sku:
                reason = self.env._("The SKU is missing.")
            elif sku in first_seen:
                reason = self.env._(
                    "%(sku)s is already on line %(line)s.", sku=sku, line=first_seen[sku]
                )
            elif product is None:
                reason = self.env._("Unknown SKU %s: no product has this internal reference.", sku)
            elif product is False:
                reason = self.env._("%s belongs to more than one product: ask the retailer.", sku)
            elif not product.is_storable:
                reason = self.env._("%s is not a product whose stock is counted.", sku)
            elif quantity is None:
                reason = self.env._("The quantity %s is not a number.", repr(qty_text[:20]))
            elif quantity < 0:
                reason = self.env._("The quantity cannot be negative (%s).", qty_text)
            elif (
                float_compare(
                    float_round(quantity, precision_rounding=product.uom_id.rounding),
                    quantity,
                    precision_digits=6,
                )
                != 0
            ):
                reason = self.env._(
                    "%(qty)s cannot be counted in %(uom)s (steps of %(step)s).",
                    qty=qty_text,
                    uom=product.uom_id.name,
                    step=f"{product.uom_id.rounding:g}",
                )
            first_seen.setdefault(sku, number)
            if reason:
                errors.append((number, reason))
            else:
                rows.append((product, quantity))
        if errors:
            errors.sort()
            if len(errors) > MAX_ERRORS:
                more = len(errors) - MAX_ERRORS
                last = (errors[MAX_ERRORS][0], self.env._("... and %s more lines refused.", more))
                errors = [*errors[:MAX_ERRORS], last]
            raise FeedRefused(errors)
        if not rows:
            raise FeedRefused(
                [(header_number, self.env._("The file has no stock lines below its header."))]
            )
        return rows

    @api.model
    def _products(self, warehouse, skus):
        """``{sku: product}`` of the company's products; ``False`` when a SKU is ambiguous."""
        if not skus:
            return {}
        found = (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("default_code", "in", list(skus)),
                    ("company_id", "in", [False, warehouse.company_id.id]),
                ]
            )
        )
        products = {}
        for product in found:
            code = product.default_code
            products[code] = False if code in products else product
        return products


def _number(text):
    if not NUMBER.match(text or ""):
        return None
    value = float(text)
    return value if math.isfinite(value) else None
