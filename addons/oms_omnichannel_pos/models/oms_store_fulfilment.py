# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accepting and rejecting store orders, the accept timeout, and stores that compete."""

import dataclasses
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.oms_omnichannel.models.oms_network import engine

from ..exceptions import StoreRefusal

_logger = logging.getLogger(__name__)


class OmsStoreFulfilment(models.AbstractModel):
    _name = "oms.store.fulfilment"
    _description = "Store Orders: Accept and Reject"

    # ------------------------------------------------------------------ accept

    @api.model
    def _accept(self, store_order, config=None):
        """The store takes the order: it is theirs now. A competing offer wins the order
        for its store: the order moves there, the other offers close."""
        if store_order.state != "new":
            raise StoreRefusal(store_order._oms_why_not_open())
        primary = store_order.primary_id
        if primary:
            return self._win_offer(store_order, primary, config)
        now = fields.Datetime.now()
        store_order._oms_close(
            "accepted", accepted_by_id=self.env.uid, accepted_date=now, accept_deadline=False
        )
        # _oms_close ends only open orders as "closed"; accepting keeps this one open.
        step = store_order._oms_log_step("accepted", pos_config_id=config.id if config else False)
        store_order.sale_order_id._oms_store_record(
            "store_accepted",
            [{"code": "store_accepted", "node": store_order.warehouse_id.id, "user": self.env.user.name}],
        )
        return step

    @api.model
    def _win_offer(self, offer, primary, config=None):
        if primary.state != "new":
            offer._oms_close("lost")
            raise StoreRefusal(primary._oms_why_not_open(for_offer=True))
        store = offer.warehouse_id
        moves = primary._oms_moves()
        missing = self._missing_at(store, moves)
        if missing:
            raise StoreRefusal(
                self.env._(
                    "%(store)s no longer has %(items)s to sell: the order stays with %(other)s.",
                    store=store.display_name,
                    items=", ".join(missing),
                    other=primary.warehouse_id.display_name,
                )
            )
        order = primary.sale_order_id
        others = self.env["oms.network"]._get_nodes(order.company_id) - store
        now = fields.Datetime.now()
        picking = primary.picking_id
        primary.sudo().write({"state": "lost", "accept_deadline": False})
        primary._oms_log_step("lost")
        order.with_context(oms_store_accepting={store.id: offer.id})._oms_reroute(
            trigger="store_offer_won",
            excluded_warehouses=others,
            pickings=picking,
            changes=[
                {
                    "code": "store_offer_won",
                    "node": store.id,
                    "to": primary.warehouse_id.id,
                    "user": self.env.user.name,
                }
            ],
        )
        if offer.state != "accepted" or not offer.picking_id:
            # The engine could not place the whole delivery at this store after all: undo.
            raise StoreRefusal(
                self.env._(
                    "The order cannot ship from %(store)s after all: it stays with %(other)s.",
                    store=store.display_name,
                    other=primary.warehouse_id.display_name,
                )
            )
        offer.sudo().write({"accepted_by_id": self.env.uid, "accepted_date": now})
        (primary.offer_ids - offer).filtered(lambda so: so.state == "new")._oms_close("lost")
        primary._oms_notify_pos()
        return offer._oms_log_step("accepted", pos_config_id=config.id if config else False)

    @api.model
    def _missing_at(self, store, moves):
        """What of ``moves`` the store could not sell now (names of the products)."""
        products = moves.product_id
        sellable = self.env["oms.sellable.stock"]._get_sellable(products, store).get(store, {})
        needed = defaultdict(float)
        for move in moves:
            needed[move.product_id] += move.product_qty
        return [
            product.display_name
            for product, qty in needed.items()
            if sellable.get(product, 0.0) < qty
        ]

    # ------------------------------------------------------------------ reject

    @api.model
    def _reject(self, store_order, reason, note="", config=None, trigger="store_rejected"):
        """The store will not fulfil the order: the order goes on from the next best node,
        without this store, and the reason corrects what the OMS believes the store holds."""
        if store_order.state not in ("new", "accepted"):
            raise StoreRefusal(store_order._oms_why_not_open())
        if store_order.primary_id:
            # A competing offer declined: the order stays where routing put it.
            store_order._oms_close(
                "rejected",
                reject_reason_id=reason.id,
                reject_note=note,
                rejected_by_id=self.env.uid,
                rejected_date=fields.Datetime.now(),
            )
            return store_order._oms_log_step(
                "rejected", reason_id=reason.id, note=note, pos_config_id=config.id if config else False
            )
        picking = store_order.picking_id
        if picking._oms_is_started():
            raise StoreRefusal(
                self.env._(
                    "%(order)s is already being picked: finish picking and mark the missing "
                    "items instead.",
                    order=store_order.name,
                )
            )
        if store_order.auto_accepted or store_order.waiting_for_goods:
            raise StoreRefusal(
                self.env._(
                    "The goods of %(order)s come to your store by transfer: there is nothing "
                    "to take from your shelves. Ask customer service to change the pickup store.",
                    order=store_order.name,
                )
            )
        quantities = self._quantities(store_order._oms_moves())
        store_order._oms_close(
            "rejected",
            reject_reason_id=reason.id,
            reject_note=note,
            rejected_by_id=self.env.uid,
            rejected_date=fields.Datetime.now(),
            accept_deadline=False,
        )
        step = store_order._oms_log_step(
            "rejected", reason_id=reason.id, note=note, pos_config_id=config.id if config else False
        )
        self._reroute_without(
            store_order,
            picking,
            trigger,
            {
                "code": trigger,
                "node": store_order.warehouse_id.id,
                "user": self.env.user.name,
                "reject_reason": reason.id,
                "note": note or "",
            },
        )
        self.env["oms.store.stock.correction"]._apply(
            reason, store_order.warehouse_id, quantities, store_order
        )
        return step

    @api.model
    def _quantities(self, moves):
        quantities = defaultdict(float)
        for move in moves:
            quantities[move.product_id] += move.product_qty
        return dict(quantities)

    @api.model
    def _reroute_without(self, store_order, pickings, trigger, change):
        """Route again what ``pickings`` of the store order carried (or, with no picking to
        cancel, what the order still misses), leaving out every store that already turned
        this order down."""
        order = store_order.sale_order_id
        turned_down = order.oms_store_order_ids.filtered(
            lambda so: so.state in ("rejected", "timeout") and not so.primary_id
        ).warehouse_id
        promised_before = order.oms_promised_date
        order.sudo()._oms_reroute(
            trigger=trigger,
            excluded_warehouses=turned_down | store_order.warehouse_id,
            pickings=pickings,
            changes=[change],
        )
        if promised_before and order.oms_promised_date and order.oms_promised_date > promised_before:
            store_order._oms_tell_customer(
                "delayed", key=f"store-reroute-{store_order.id}", promised_date=order.oms_promised_date
            )

    # ------------------------------------------------------------------ timeout

    @api.model
    def _cron_accept_timeouts(self, limit=200):
        """Orders no store accepted in time go to the next best node. Safe to run late or
        twice: only store orders still waiting past their deadline are taken, each once."""
        late = self.env["oms.store.order"].sudo().search(
            [
                ("state", "=", "new"),
                ("primary_id", "=", False),
                ("accept_deadline", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="accept_deadline, id",
        )
        for store_order in late:
            try:
                with self.env.cr.savepoint():
                    store_order._oms_lock()
                    if store_order.state != "new":
                        continue
                    self._time_out(store_order)
            except Exception:
                _logger.exception("Accept timeout of store order %s failed", store_order.id)
        return late

    @api.model
    def _time_out(self, store_order):
        quantities_picking = store_order.picking_id
        store_order._oms_close("timeout", accept_deadline=False)
        store_order._oms_log_step("timeout", user_id=False)
        self._reroute_without(
            store_order,
            quantities_picking,
            "store_timeout",
            {"code": "store_timeout", "node": store_order.warehouse_id.id},
        )

    # ------------------------------------------------------------------ stores compete

    @api.model
    def _offer_to_competitors(self, store_orders):
        """Offer each ship-from-store order to the next best stores as well, when the company
        lets stores compete: the first store to accept wins."""
        for store_order in store_orders:
            count = store_order.company_id.oms_store_offer_count
            if count < 2 or store_order.kind != "ship" or store_order.state != "new":
                continue
            stores = self._next_best_stores(store_order, count - 1)
            if stores:
                self.env["oms.store.order"].sudo().create(
                    [
                        {
                            "sale_order_id": store_order.sale_order_id.id,
                            "warehouse_id": store.id,
                            "primary_id": store_order.id,
                            "kind": "ship",
                            "offered_date": store_order.offered_date,
                            "accept_deadline": store_order.accept_deadline,
                            "promised_date": store_order.promised_date,
                        }
                        for store in stores
                    ]
                )._oms_log_step("offered")
                store_order.offer_ids._oms_notify_pos(new=True)

    @api.model
    def _next_best_stores(self, store_order, count):
        """The stores the engine would choose next for the whole delivery, best first: the
        plan without the chosen store, then without that one too, and so on."""
        if engine is None:
            return self.env["stock.warehouse"]
        order = store_order.sale_order_id
        moves = store_order._oms_moves()
        demand = defaultdict(dict)
        for move in moves:
            line = move.sale_line_id
            demand[move.product_id][line] = demand[move.product_id].get(line, 0) + round(
                move.product_qty
            )
        if not demand:
            return self.env["stock.warehouse"]
        network_model = self.env["oms.network"]
        router = self.env["oms.router"]
        products = moves.product_id
        policy = order._oms_get_sourcing_policy()
        network = network_model._get_network(order.company_id, policy)
        network_model._ensure_products(network, products)
        nodes = network_model._get_nodes(order.company_id)
        store_ids = self.env["stock.warehouse"]._oms_store_ids()
        excluded = nodes.filtered(lambda wh: wh.id not in store_ids) | store_order.warehouse_id
        excluded |= order.oms_store_order_ids.filtered(
            lambda so: so.state in ("rejected", "timeout")
        ).warehouse_id
        stock = router._get_engine_stock(order, products, nodes)
        by_node = {network_model._node_id(wh): wh for wh in nodes}
        chosen = self.env["stock.warehouse"]
        for _round in range(count):
            engine_order = dataclasses.replace(
                router._prepare_engine_order(order, demand, excluded | chosen, nodes),
                allow_split=False,
            )
            plan = engine.route(network, engine_order, stock)
            deliveries = [s for s in plan.shipments if s.kind == "delivery"]
            if plan.status != "complete" or len(deliveries) != 1:
                break
            store = by_node.get(deliveries[0].node)
            if not store or store in chosen:
                break
            chosen |= store
        return chosen
