"""What confirming a routed order costs beyond Odoo's own work for the same outcome.

The reference is Odoo alone, routing switched off, making the same two deliveries: the line
the second node holds carries that node's delivery route. Routing adds its own reads (lock,
sellable stock) and the decision record, nothing per delivery or per line; and it makes the
deliveries of a first confirmation in one batch, which saves more than that.
"""

from unittest.mock import patch

from freezegun import freeze_time
from odoo.tests import tagged

from ..models.oms_outbox_event import LOCKED_KEY
from .common import TUESDAY_MORNING, OmsRoutingCase

# SQL queries routing adds to Odoo's own confirmation of the same two deliveries. Routing's
# own are 8 (product lock, default policy, sellable stock, the destination's country,
# decision, decision lines, the deliveries' carrier, and, when the context carries no
# language, the user's company's language for the routing note in one query); making the
# deliveries in one batch saves 24 (no picking search, one picking INSERT, one follower
# subscription, and one INSERT for the notes of both deliveries and the order's routing
# note): 132 against 148 when written. Negative: a routed order must stay at least 11
# queries cheaper than Odoo alone, so losing a batch (or a query per delivery or per line
# more) breaks the bound.
MAX_EXTRA_QUERIES = -11


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestConfirmationCost(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_node("NORTH")
        cls.south = cls._create_node("SOUTH", zip_code="20095")
        cls.shirt = cls._create_product("Shirt")
        cls.cap = cls._create_product("Cap")
        cls.sock = cls._create_product("Sock")
        for product, node in ((cls.shirt, cls.north), (cls.cap, cls.north), (cls.sock, cls.south)):
            cls._stock(product, node, 1000)

    def _order(self):
        return self._create_order(
            [(self.shirt, 2), (self.cap, 1), (self.sock, 1)], warehouse_id=self.north.id
        )

    def _odoo_split_order(self):
        """The routed outcome made by Odoo's own routes (confirm it with routing off)."""
        order = self._order()
        order.order_line.filtered(
            lambda line: line.product_id == self.sock
        ).route_id = self.south.delivery_route_id
        return order

    def _confirm_counting(self, order, routing):
        self.company.oms_routing_active = routing
        self.env.flush_all()
        self.env.invalidate_all()
        order = self.env["sale.order"].browse(order.id)
        count = self.env.cr.sql_log_count
        order.action_confirm()
        self.env.flush_all()
        return self.env.cr.sql_log_count - count

    def _delivered(self, order):
        return {
            (picking.picking_type_id.warehouse_id, picking.state, move.product_id, move.quantity)
            for picking in self._deliveries(order)
            for move in picking.move_ids
        }

    def test_same_outcome_as_odoo_alone(self):
        routed = self._order()
        reference = self._odoo_split_order()
        self._confirm_counting(routed, routing=True)
        self._confirm_counting(reference, routing=False)
        self.assertEqual(routed.oms_routing_state, "routed")
        self.assertEqual(reference.oms_routing_state, "none")
        self.assertEqual(self._delivered(routed), self._delivered(reference))
        self.assertEqual(len(self._deliveries(routed)), 2)
        self.assertEqual(set(self._deliveries(routed).mapped("state")), {"assigned"})

    def _origin_notes(self, order):
        """The "created from" notes of the order's deliveries, per source warehouse, with the
        order's name and id taken out."""
        notes = {}
        for picking in self._deliveries(order):
            notes[picking.picking_type_id.warehouse_id] = [
                (
                    str(message.body)
                    .replace(order.name, "ORDER")
                    .replace(f'data-oe-id="{order.id}"', 'data-oe-id="ID"'),
                    message.message_type,
                    message.subtype_id,
                    message.author_id,
                )
                for message in picking.message_ids
            ]
        return notes

    def _delivery_fields(self, order):
        """What a back-office user sees on the order's deliveries, per source warehouse."""
        return {
            picking.picking_type_id.warehouse_id: (
                picking.partner_id,
                picking.message_partner_ids,
                picking.origin,
                picking.location_id,
                picking.location_dest_id,
                picking.move_type,
                picking.state,
                picking.group_id == order.procurement_group_id,
                picking.sale_id == order,
                picking.name.split("/")[:2],
            )
            for picking in self._deliveries(order)
        }

    def test_same_deliveries_as_odoo_alone(self):
        """The deliveries routing creates in one batch are Odoo's own: customer, followers,
        source document, locations, state and sequence, as when Odoo makes them itself."""
        routed = self._order()
        reference = self._odoo_split_order()
        self._confirm_counting(routed, routing=True)
        self._confirm_counting(reference, routing=False)
        fields_routed = self._delivery_fields(routed)
        fields_reference = self._delivery_fields(reference)
        for warehouse in (self.north, self.south):
            routed_values, reference_values = fields_routed[warehouse], fields_reference[warehouse]
            self.assertEqual(routed_values[2], routed.name)
            self.assertEqual(reference_values[2], reference.name)
            self.assertEqual(
                routed_values[:2] + routed_values[3:], reference_values[:2] + reference_values[3:]
            )
            self.assertEqual(routed_values[1], self.customer)

    def test_same_chatter_as_odoo_alone(self):
        """Each delivery carries Odoo's note linking it to the order, written once per
        delivery, as when Odoo makes the deliveries itself."""
        routed = self._order()
        reference = self._odoo_split_order()
        self._confirm_counting(routed, routing=True)
        self._confirm_counting(reference, routing=False)
        notes = self._origin_notes(routed)
        self.assertEqual(notes, self._origin_notes(reference))
        self.assertEqual(len(notes), 2)
        for messages in notes.values():
            self.assertEqual(len(messages), 1)
            body, message_type, subtype, author = messages[0]
            self.assertIn("has been created from", body)
            self.assertIn('data-oe-model="sale.order"', body)
            self.assertEqual(message_type, "notification")
            self.assertEqual(subtype, self.env.ref("mail.mt_note"))
            self.assertEqual(author, self.env.user.partner_id)

    def _pickings(self, order):
        return {
            (
                picking.picking_type_id,
                picking.state,
                picking.location_id,
                picking.location_dest_id,
                frozenset((move.product_id, move.product_uom_qty) for move in picking.move_ids),
            )
            for picking in order.picking_ids
        }

    def test_multi_step_node_as_odoo_alone(self):
        """A source that picks then ships: the routed order gets Odoo's own pick there."""
        self.south.delivery_steps = "pick_ship"
        routed = self._order()
        reference = self._odoo_split_order()
        self._confirm_counting(routed, routing=True)
        self._confirm_counting(reference, routing=False)
        # Odoo 18 creates the pick; the delivery follows from the output when it is done.
        self.assertEqual(len(routed.picking_ids), 2)
        self.assertEqual(self._pickings(routed), self._pickings(reference))
        self.assertIn(self.south.pick_type_id, routed.picking_ids.picking_type_id)
        for picking in routed.picking_ids:
            self.assertEqual(len(picking.message_ids), 1, picking.name)

    def test_routing_adds_a_bounded_number_of_queries(self):
        # Warm-up of both paths: first calls fill Odoo's caches (rules, sequences, network).
        self._confirm_counting(self._order(), routing=True)
        self._confirm_counting(self._odoo_split_order(), routing=False)
        routed = self._confirm_counting(self._order(), routing=True)
        reference = self._confirm_counting(self._odoo_split_order(), routing=False)
        self.assertLessEqual(
            routed - reference,
            MAX_EXTRA_QUERIES,
            f"routing costs {routed} queries, Odoo alone {reference} for the same deliveries",
        )

    def test_decision_is_born_complete(self):
        """Name, company and channel of the decision and its lines are written by the INSERT
        (precomputed): a recompute would UPDATE every decision after its creation."""
        order = self._order()
        with self.assertLogs("odoo.sql_db", level="DEBUG") as logs:
            order.action_confirm()
            self.env.flush_all()
        statements = [line for line in logs.output if "oms_routing_decision" in line]
        self.assertTrue(any('INSERT INTO "oms_routing_decision"' in s for s in statements))
        self.assertFalse([s for s in statements if 'UPDATE "oms_routing_decision' in s])
        decision = order.oms_decision_id
        self.assertEqual(decision.name, f"{order.name} / confirm")
        self.assertEqual(decision.company_id, self.company)
        self.assertEqual(decision.line_ids.company_id, self.company)

    def test_the_products_are_locked_once_per_confirmation(self):
        """Routing locks the order's products before it reads their stock, until the
        transaction ends; the outbox, about to publish the stock the confirmation reserved,
        finds them locked already and does not lock them again."""
        order = self._order()
        # As in a transaction of its own: nothing locked yet (setting up the stock did).
        self.env.flush_all()
        self.env.cr.precommit.data.pop(LOCKED_KEY, None)
        with self.assertLogs("odoo.sql_db", level="DEBUG") as logs:
            order.action_confirm()
            self.env.flush_all()
        locks = [line for line in logs.output if 'INSERT INTO "oms_stock_lock"' in line]
        self.assertEqual(len(locks), 1, locks)
        self.assertTrue(order.picking_ids.move_ids.filtered(lambda m: m.quantity))

    def test_make_to_order_check_matches_odoo(self):
        """Lines on the MTO route are left to Odoo: the router sees the route before the
        line has moves (when Odoo's own ``is_mto`` still says False) and agrees with Odoo
        once it has them."""
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True  # archived by default: an archived route is no product's route
        order = self._order()
        order.action_confirm()
        self.shirt.route_ids = [(4, mto.id)]
        line = order.order_line.filtered(lambda line: line.product_id == self.shirt)
        self.assertTrue(line.move_ids)
        line.invalidate_recordset(["is_mto"])
        self.assertTrue(line.is_mto, "Odoo sees the MTO route on a line with moves")
        self.assertTrue(line._oms_is_mto())
        self.assertFalse(line._oms_is_routable())
        # A line being confirmed (state sale, no moves yet): Odoo's is_mto says False, the
        # router still sees the route and leaves the line alone.
        fresh = self._order()
        fresh.state = "sale"
        line = fresh.order_line.filtered(lambda line: line.product_id == self.shirt)
        self.assertFalse(line.move_ids)
        self.assertFalse(line.is_mto)
        self.assertTrue(line._oms_is_mto())
        self.assertFalse(line._oms_is_routable())
        cap = fresh.order_line.filtered(lambda line: line.product_id == self.cap)
        self.assertFalse(cap._oms_is_mto())
        self.assertTrue(cap._oms_is_routable())
        # The route on the product's category counts too, as in Odoo.
        self.shirt.route_ids = [(3, mto.id)]
        self.assertFalse(line._oms_is_mto())
        self.shirt.categ_id.route_ids = [(4, mto.id)]
        self.assertTrue(line._oms_is_mto())

    def test_decision_is_built_without_draft_records(self):
        """The decision's name, company and channel, and its lines' company, come from the
        order being routed: no draft record (with a draft of every line) is built to compute
        them, and they are what the fields' own computations say."""
        channel = self.env["oms.channel"].create(
            {"name": "Web", "code": "cost-web", "company_id": self.company.id}
        )
        order = self._order()
        order.oms_channel_id = channel
        drafts = []
        classes = [
            type(self.env[name]) for name in ("oms.routing.decision", "oms.routing.decision.line")
        ]

        def new(records, *args, **kwargs):
            drafts.append(records._name)
            return original(records, *args, **kwargs)

        original = classes[0].new
        with patch.object(classes[0], "new", new), patch.object(classes[1], "new", new):
            order.action_confirm()
        self.assertEqual(drafts, [])
        decision = order.oms_decision_id
        self.assertEqual(
            (decision.name, decision.company_id, decision.channel_id),
            (f"{order.name} / confirm", self.company, channel),
        )
        self.assertEqual(decision.line_ids.company_id, self.company)
        # The same as the ORM computes them.
        decision.invalidate_recordset(["name", "company_id", "channel_id"])
        decision._compute_name()
        self.assertEqual(decision.name, f"{order.name} / confirm")
        self.assertEqual(decision.sale_order_id.company_id, decision.company_id)
        self.assertEqual(decision.sale_order_id.oms_channel_id, decision.channel_id)

    def test_routing_notes_logged_in_one_batch(self):
        """The deliveries' "created from" notes and the order's routing note are one
        ``mail.message`` create, and each is the note Odoo's own log would write."""
        order = self._order()
        Message = type(self.env["mail.message"])
        batches = []
        original = Message.create

        def create(records, vals_list):
            messages = original(records, vals_list)
            batches.append(messages)
            return messages

        with patch.object(Message, "create", create):
            order.action_confirm()
        self.assertEqual(len(batches), 1, [b.mapped("model") for b in batches])
        [batch] = batches
        deliveries = self._deliveries(order)
        self.assertEqual(
            sorted((m.model, m.res_id) for m in batch),
            sorted([("sale.order", order.id)] + [("stock.picking", p.id) for p in deliveries]),
        )
        routing_note = batch.filtered(lambda m: m.model == "sale.order")
        self.assertIn("Ships in 2 packages from NORTH, SOUTH", str(routing_note.body))
        reference = order._message_log_batch(bodies={order.id: "reference"})
        fields = [
            "author_id",
            "email_from",
            "message_type",
            "subtype_id",
            "is_internal",
            "reply_to",
            "record_name",
            "record_company_id",
            "record_alias_domain_id",
            "subject",
            "email_add_signature",
            "partner_ids",
            "attachment_ids",
            "tracking_value_ids",
        ]
        for message in batch:
            self.assertEqual(
                {name: message[name] for name in fields},
                {name: reference[name] for name in fields},
            )
