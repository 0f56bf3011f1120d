# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the OMS told a customer, one row per (order, event, key): the log that makes every
customer message idempotent, and the record its mail template is rendered on.

The template of an event (``mail_template_oms_<event>``) is rendered on the row, so it reads
the order, the deliveries the message is about (``picking_ids``) and the caller's values
(``values``) through the small helpers below, which word dates, money and parcels in the
customer's language and formats.
"""

import datetime
import decimal
import logging

from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import format_amount, format_date, format_datetime
from psycopg2 import errors as pg_errors

_logger = logging.getLogger(__name__)

# Every event the OMS may tell a customer: code -> what it is, in the back office's words.
# An addon adds its own with ``selection_add`` and a template (``_template_of``).
EVENTS = [
    ("confirmed", "Order confirmed"),
    ("payment_instructions", "How to pay"),
    ("payment_reminder", "Payment reminder"),
    ("shipped", "Parcel shipped"),
    ("ready_for_pickup", "Ready for pickup"),
    ("pickup_reminder", "Pickup reminder"),
    ("reservation_expiring", "Reservation ends soon"),
    ("delayed", "Delivery delayed"),
    ("changed", "Order changed"),
    ("partially_cancelled", "Part of the order cancelled"),
    ("cancelled", "Order cancelled"),
    ("refunded", "Money refunded"),
    ("voucher", "Voucher"),
    ("return_received", "Return received"),
]
EVENT_CODES = frozenset(code for code, _label in EVENTS)
STATES = [
    ("pending", "To send"),
    ("queued", "Sent"),
    ("shop", "Left to the shop"),
    ("no_email", "Not sent: no e-mail address"),
    ("outdated", "Not sent: no longer true"),
    ("failed", "Failed"),
]
# A row that failed to render is tried again by the next runs, this many times in all.
MAX_ATTEMPTS = 3
NUMBER_WORDS = 10
TIMES = "\N{MULTIPLICATION SIGN}"


class OmsCustomerMessage(models.Model):
    _name = "oms.customer.message"
    _description = "Customer Message"
    _order = "id desc"
    _rec_name = "subject"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    channel_id = fields.Many2one(related="order_id.oms_channel_id", string="Channel", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    event = fields.Selection(EVENTS, required=True)
    key = fields.Char(
        default="",
        help="Tells apart several messages of one event on one order (a parcel, the n-th "
        "reminder). The same order, event and key are never sent twice.",
    )
    picking_ids = fields.Many2many("stock.picking", string="Deliveries")
    values = fields.Json(help="What the caller said about the event (dates, amounts, links).")
    state = fields.Selection(STATES, required=True, default="pending", index=True)
    subject = fields.Char()
    attempts = fields.Integer(default=0)
    error = fields.Text(help="Why the last try to e-mail it failed.")
    mail_message_id = fields.Many2one("mail.message", string="E-mail", ondelete="set null")

    _sql_constraints = [
        (
            "order_event_key_unique",
            "unique(order_id, event, key)",
            "This message was already sent to the customer.",
        )
    ]

    # ------------------------------------------------------------------ recording

    @api.model
    def _event_codes(self):
        return {code for code, _label in self._fields["event"]._description_selection(self.env)}

    @api.model
    def _template_of(self, event):
        """The mail template of ``event``; an addon overrides this for its own events."""
        return self.env.ref(f"oms_omnichannel.mail_template_oms_{event}", raise_if_not_found=False)

    @api.model
    def _record(self, order, event, pickings, key, values):
        """The row of (``order``, ``event``, ``key``): the existing one when the customer
        was told already, else a new one to send. What the shop's own e-mails cover, or a
        customer without an address, is recorded as not sent."""
        domain = [("order_id", "=", order.id), ("event", "=", event), ("key", "=", key)]
        existing = self.search(domain, limit=1)
        if existing:
            if existing.state == "pending" and values:
                # Told twice before it left (a cancellation noticed by two parts of the
                # OMS): one e-mail, with what both said.
                existing.values = dict(existing.values or {}, **_jsonable(values))
            return existing
        partner = order.partner_id
        vals = {
            "order_id": order.id,
            "partner_id": partner.id,
            "event": event,
            "key": key,
            "picking_ids": [(6, 0, pickings.ids)],
            "values": _jsonable(values),
        }
        if order.oms_channel_id.send_customer_emails:
            vals["state"] = "shop"
        elif not partner.email:
            vals["state"] = "no_email"
        try:
            # A concurrent transaction telling the same thing waits on the unique index,
            # then finds the row taken: the customer hears it once.
            with self.env.cr.savepoint():
                message = self.create(vals)
        except pg_errors.UniqueViolation:
            return self.search(domain, limit=1)
        if message.state == "no_email":
            message._log_not_sent()
        return message

    @api.model
    def _trigger_sender(self):
        cron = self.env.ref("oms_omnichannel.ir_cron_oms_send_customer_messages", False)
        if cron:
            cron.sudo()._trigger()

    def _log_not_sent(self):
        for message in self:
            label = dict(self._fields["event"]._description_selection(self.env))[message.event]
            message.order_id._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "The customer was not e-mailed (%(event)s): they have no e-mail address.",
                    event=label,
                )
            )

    # ------------------------------------------------------------------ sending

    @api.model
    def _cron_send_pending(self, limit=200):
        """E-mail the messages recorded since the last run, oldest first, each in its own
        savepoint: one that fails to render is marked and tried again by the next runs
        (``MAX_ATTEMPTS`` in all), the others go. Safe to run twice or late: a row leaves
        "To send" in the transaction that queues its e-mail."""
        pending = self.search([("state", "=", "pending")], order="id", limit=limit)
        for message in pending:
            message._send()
        if len(pending) == limit:
            self._trigger_sender()
        return pending

    def _send(self):
        self.ensure_one()
        template = self._template_of(self.event)
        try:
            with self.env.cr.savepoint():
                if not template:
                    raise ValueError(f"No mail template for the customer message {self.event!r}.")
                if not self._still_true():
                    self.state = "outdated"
                    return
                self._post(template)
                self.state = "queued"
        except Exception as error:  # a broken template must not stop the others
            _logger.exception("Customer message %s of %s failed", self.event, self.order_id.name)
            attempts = self.attempts + 1
            self.write(
                {
                    "attempts": attempts,
                    "error": str(error),
                    "state": "failed" if attempts >= MAX_ATTEMPTS else "pending",
                }
            )

    def _still_true(self):
        """Whether what the message says still holds when it is sent (it is sent shortly
        after it was recorded): an order ready for pickup that was collected meanwhile is
        not announced. Addons add their events' checks (a payment reminder for an order
        paid meanwhile)."""
        self.ensure_one()
        if self.event in ("ready_for_pickup", "pickup_reminder", "reservation_expiring"):
            return all(p.state not in ("done", "cancel") for p in self.picking_ids)
        if self.event == "cancelled":
            return self.order_id.state == "cancel"
        if self.event not in ("refunded", "voucher", "return_received"):
            return self.order_id.state != "cancel"
        return True

    def _post(self, template):
        """Render ``template`` on this row in the customer's language and post it on the
        order for the customer: Odoo queues the e-mail (mail.mail, sent by its mail cron)
        in the channel's layout, and the order's chatter keeps it."""
        self.ensure_one()
        rendered = template._generate_template(self.ids, ("subject", "body_html", "email_from"))[
            self.id
        ]
        order = self.order_id
        self.subject = rendered.get("subject") or ""
        message = order.with_context(mail_notify_force_send=False).message_post(
            body=rendered.get("body_html") or "",
            subject=self.subject,
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="oms_omnichannel.mail_layout_oms_customer",
            email_from=rendered.get("email_from") or self._sender(),
            author_id=order.company_id.partner_id.id,
        )
        self.mail_message_id = message

    # ------------------------------------------------------------------ what templates read
    # Called from the templates, in the customer's language (the template renders with it).

    def _sender(self):
        """The channel's sender, else the company's."""
        self.ensure_one()
        order = self.order_id
        return order.oms_channel_id.customer_email_from or order.company_id.email_formatted

    def _brand(self):
        """The name the customer knows the shop by."""
        self.ensure_one()
        channel = self.order_id.oms_channel_id
        return channel.brand_name or channel.name or self.order_id.company_id.name

    def _order_ref(self):
        """The order number the customer saw in the shop."""
        self.ensure_one()
        order = self.order_id
        return order.oms_external_name or order.client_order_ref or order.name

    def _value(self, name, default=""):
        return (self.values or {}).get(name, default)

    def _tz(self):
        order = self.order_id
        return self.partner_id.tz or order.company_id.partner_id.tz or "UTC"

    def _date(self, value):
        """A date or datetime (or its stored text) as the customer reads it: 'Thursday,
        December 3, 2026' in English, 'Donnerstag, 3. Dezember 2026' in German."""
        if not value:
            return ""
        if isinstance(value, str):
            value = (
                fields.Datetime.to_datetime(value)
                if len(value) > 10
                else fields.Date.to_date(value)
            )
        if isinstance(value, datetime.datetime):
            value = fields.Datetime.context_timestamp(self.with_context(tz=self._tz()), value)
        return format_date(self.env, value, date_format="full")

    def _date_value(self, name):
        return self._date(self._value(name))

    def _datetime_value(self, name):
        """A moment (e.g. a reservation's end) with its time, in the customer's time zone."""
        value = self._value(name)
        if not value:
            return ""
        return format_datetime(
            self.env, fields.Datetime.to_datetime(value), tz=self._tz(), dt_format="long"
        )

    def _amount(self, amount, currency=None):
        return format_amount(self.env, float(amount or 0.0), currency or self.order_id.currency_id)

    def _amount_value(self, name):
        return self._amount(self._value(name, 0.0))

    def _quantity(self, quantity):
        return f"{quantity:g}"

    def _count_words(self, count):
        """``count`` in words up to ten ('two'), in the customer's language."""
        words = [
            self.env._("no"),
            self.env._("one"),
            self.env._("two"),
            self.env._("three"),
            self.env._("four"),
            self.env._("five"),
            self.env._("six"),
            self.env._("seven"),
            self.env._("eight"),
            self.env._("nine"),
            self.env._("ten"),
        ]
        return words[count] if 0 <= count <= NUMBER_WORDS else str(count)

    def _ordinal_words(self, position):
        words = [
            self.env._("first"),
            self.env._("second"),
            self.env._("third"),
            self.env._("fourth"),
            self.env._("fifth"),
        ]
        return words[position - 1] if 1 <= position <= len(words) else f"{position}."

    def _product_name(self, product):
        """A product as the shop shows it: its name and variant, no internal reference."""
        return product.with_context(lang=self.env.lang, display_default_code=False).display_name

    def _items_text(self, items):
        """``[(product, quantity), ...]`` as '2 x Shirt, 1 x Cap' (with a multiplication sign)."""
        return ", ".join(
            f"{self._quantity(quantity)} {TIMES} {self._product_name(product)}"
            for product, quantity in items
        )

    def _order_lines(self):
        """What the customer ordered: ``{"name", "quantity", "amount"}`` per product line."""
        self.ensure_one()
        return [
            {
                "name": self._product_name(line.product_id),
                "quantity": self._quantity(line.product_uom_qty),
                "amount": self._amount(line.price_total, line.currency_id),
            }
            for line in self.order_id.order_line
            if not line.display_type and not line.is_delivery and line.product_uom_qty
        ]

    def _shipping_amount(self):
        lines = self.order_id.order_line.filtered("is_delivery")
        return self._amount(sum(lines.mapped("price_total"))) if lines else ""

    def _total(self):
        order = self.order_id
        return self._amount(order.amount_total, order.currency_id)

    def _legs(self):
        """The order's parcels now (``oms.routing.summary``), the ones still to leave
        first, each with its products."""
        summary = self.env["oms.routing.summary"].sudo()._summary_of(self.order_id)
        Product = self.env["product.product"].sudo()
        legs = []
        for leg in summary["legs"]:
            legs.append(
                dict(leg, products=[(Product.browse(pid), qty) for pid, qty in leg["items"]])
            )
        return summary, legs

    def _delivery_sentences(self):
        """How the order reaches the customer, in plain words: one parcel or several and
        why, what each carries and when it is expected; where and when to collect it; what
        waits for stock."""
        self.ensure_one()
        summary, legs = self._legs()
        order = self.order_id
        sentences = []
        if summary["pickup"]:
            store = order.oms_pickup_warehouse_id.sudo()
            when = self._date(order.oms_ready_date)
            if legs and when:
                sentences.append(
                    self.env._(
                        "You can collect your order at %(store)s from %(date)s. We will "
                        "e-mail you as soon as it is ready.",
                        store=self._store_text(store),
                        date=when,
                    )
                )
            elif store:
                sentences.append(
                    self.env._(
                        "You collect your order at %(store)s. We will e-mail you as soon as "
                        "it is ready.",
                        store=self._store_text(store),
                    )
                )
        elif legs:
            sentences += self._parcel_sentences(legs)
        waiting = self._waiting_items(summary)
        if waiting:
            sentences.append(
                self.env._(
                    "%s cannot be sent yet: it follows as soon as it is back in stock, and we "
                    "will e-mail you when it leaves.",
                    self._items_text(waiting),
                )
            )
        if not legs and not waiting and not summary["pickup"]:
            sentences.append(self.env._("We will e-mail you as soon as your order leaves."))
        return sentences

    def _parcel_sentences(self, legs):
        """One parcel, or how many and why, with what each carries and when it is
        expected; a parcel that already left says so."""
        parcels = sum(leg["packages"] for leg in legs)

        def when(leg):
            date = self._date(leg["day"] or leg["promised"])
            if leg["done"]:
                return self.env._("already on its way, expected on %s", date)
            return self.env._("expected on %s", date)

        if len(legs) == 1 and parcels == 1:
            return [self.env._("Your order arrives in one parcel, %s.", when(legs[0]))]
        if len(legs) > 1:
            intro = self.env._(
                "Your order arrives in %s parcels, because the items are sent from "
                "different places:",
                self._count_words(parcels),
            )
        else:
            intro = self.env._(
                "Your order arrives in %s parcels, because it is too heavy for one:",
                self._count_words(parcels),
            )
        return [intro] + [
            self.env._(
                "%(items)s, %(when)s.", items=self._items_text(leg["products"]), when=when(leg)
            )
            for leg in legs
        ]

    def _waiting_items(self, summary):
        Product = self.env["product.product"].sudo()
        items = [item for items in summary["waiting"].values() for item in items]
        if summary["state"] in ("hold", "waiting"):
            items += summary["unsourced"]
        totals = {}
        for product_id, quantity in items:
            totals[product_id] = totals.get(product_id, 0.0) + quantity
        return [(Product.browse(pid), qty) for pid, qty in totals.items()]

    def _store_text(self, store):
        """A store as the customer finds it: its name and street."""
        address = store.partner_id
        where = ", ".join(
            filter(None, [address.street, f"{address.zip or ''} {address.city or ''}".strip()])
        )
        return f"{store.name} ({where})" if where else store.name

    def _pickup_store(self):
        """The store of a pickup message: the handover's, else the order's."""
        self.ensure_one()
        store = self.picking_ids[:1].sudo().picking_type_id.warehouse_id
        return self._store_text(store or self.order_id.oms_pickup_warehouse_id.sudo())

    def _parcel(self):
        """The parcel a shipping message is about: what it carries, its carrier, tracking
        number and link, when it is expected, and where it stands among the order's
        parcels."""
        self.ensure_one()
        pickings = self.picking_ids.sudo()
        moves = pickings.move_ids.filtered(lambda m: m.state == "done") or pickings.move_ids
        items = {}
        for move in moves:
            quantity = move.product_uom._compute_quantity(
                move.quantity or move.product_uom_qty, move.product_id.uom_id
            )
            items[move.product_id] = items.get(move.product_id, 0.0) + quantity
        picking = pickings[:1]
        return {
            "items": self._items_text(items.items()),
            "carrier": picking.carrier_id.name or "",
            "tracking_ref": picking.carrier_tracking_ref or "",
            "tracking_url": picking.carrier_tracking_url or "",
            "date": self._date(self._value("expected_date") or picking.oms_promised_date),
            "position": self._parcel_position(pickings),
        }

    def _parcel_position(self, pickings):
        """Where this parcel stands among the order's, in plain words; empty for an order
        of one parcel."""
        parcels = (
            self.order_id.sudo()
            .picking_ids.filtered(
                lambda p: (
                    p.picking_type_code == "outgoing"
                    and p.state != "cancel"
                    and p.oms_shipment_kind != "transfer"
                )
            )
            .sorted("id")
        )
        if len(parcels) <= 1 or pickings[:1] not in parcels:
            return ""
        position = parcels.ids.index(pickings[:1].id) + 1
        values = {
            "count": self._count_words(len(parcels)),
            "nth": self._ordinal_words(position),
        }
        if parcels.filtered(lambda p: p.state != "done") - pickings:
            return self.env._(
                "Your order comes in %(count)s parcels: this is the %(nth)s. The rest follows "
                "separately, and we will e-mail you when it leaves.",
                **values,
            )
        return self.env._(
            "Your order comes in %(count)s parcels: this is the %(nth)s, the others are "
            "already on their way.",
            **values,
        )

    def _portal_url(self):
        """A link to the order in the customer portal, when the customer may see it."""
        self.ensure_one()
        order = self.order_id.sudo()
        try:
            return order.get_base_url() + order.get_portal_url()
        except Exception:  # a missing portal never stops a message
            _logger.warning("No portal link for %s", order.name, exc_info=True)
            return ""


def _jsonable(values):
    """The caller's values as JSON: dates and datetimes as Odoo's text, Decimals as text,
    records as their ids."""
    result = {}
    for name, value in (values or {}).items():
        if isinstance(value, datetime.datetime):
            value = fields.Datetime.to_string(value)
        elif isinstance(value, datetime.date):
            value = fields.Date.to_string(value)
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        elif isinstance(value, models.BaseModel):
            value = value.ids
        result[name] = value
    return result
