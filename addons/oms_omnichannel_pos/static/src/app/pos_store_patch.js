/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The store's orders in the POS: loaded with the POS data (oms.store.order), kept fresh by
// the bus (a new order rings), and the till's calls to the OMS (oms.store.pos), which go
// through a small outbox of their own: a call made offline waits in the browser's storage
// with its idempotency key, is sent once when the connection is back, and its answer -
// done, or refused with the reason - is shown then.

import { _t } from "@web/core/l10n/translation";
import { browser } from "@web/core/browser/browser";
import { ConnectionLostError } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";
import { deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { uuidv4 } from "@point_of_sale/utils";
import { PosStore } from "@point_of_sale/app/store/pos_store";

const OPEN_STATES = ["new", "accepted", "ready"];
// How often the till reminds its staff of orders still waiting to be accepted.
const REMINDER_INTERVAL_MS = 5 * 60 * 1000;
const OUTBOX_RETRY_MS = 30 * 1000;

patch(PosStore.prototype, {
    async setup() {
        await super.setup(...arguments);
        this.omsOutbox = this.omsLoadOutbox();
        if (!this.omsEnabled) {
            return;
        }
        this.onNotified("OMS_STORE_ORDERS", (payload) => this.omsOnStoreOrders(payload));
        browser.addEventListener("online", () => this.omsFlushOutbox());
        this.omsTimers = [
            browser.setInterval(() => this.omsRemind(), REMINDER_INTERVAL_MS),
            browser.setInterval(() => this.omsFlushOutbox(), OUTBOX_RETRY_MS),
        ];
        this.omsFlushOutbox();
    },

    get omsEnabled() {
        return Boolean(this.config.oms_store_queue && this.config.raw.oms_warehouse_id);
    },

    // ---------------------------------------------------------------- the queue

    get omsStoreOrders() {
        // Read to re-render whoever lists them when a refresh replaced their records.
        void this.omsRevision;
        return this.models["oms.store.order"]?.getAll() || [];
    },
    get omsOpenStoreOrders() {
        return this.omsStoreOrders.filter((so) => OPEN_STATES.includes(so.state));
    },
    get omsToAccept() {
        return this.omsStoreOrders.filter((so) => so.state === "new");
    },
    get omsQueueCount() {
        return this.omsOpenStoreOrders.length;
    },
    omsRejectReasons(forShortPick = false) {
        return (this.models["oms.store.reject.reason"]?.getAll() || [])
            .filter((reason) => !forShortPick || reason.for_short_pick)
            .sort((a, b) => a.sequence - b.sequence || a.id - b.id);
    },

    async omsOnStoreOrders({ ids = [], new_ids = [] }) {
        await this.omsRefresh(ids);
        const fresh = new_ids
            .map((id) => this.models["oms.store.order"].get(id))
            .filter((so) => so && so.state === "new");
        if (fresh.length) {
            this.sound.play("bell");
            this.notification.add(
                fresh.length === 1
                    ? _t("New order for your store: %s (%s).", fresh[0].name, fresh[0].line_summary)
                    : _t("%s new orders for your store.", fresh.length),
                { type: "info", title: _t("Store orders") }
            );
        }
    },

    async omsRefresh(ids) {
        if (ids && ids.length) {
            try {
                await this.data.read("oms.store.order", ids);
                this.omsRevision = (this.omsRevision || 0) + 1;
            } catch (error) {
                if (!(error instanceof ConnectionLostError)) {
                    throw error;
                }
            }
        }
    },

    omsRemind() {
        const waiting = this.omsToAccept.filter((so) => !so.is_offer || so.state === "new");
        if (!waiting.length) {
            return;
        }
        const oldest = waiting
            .map((so) => so.offered_date)
            .sort()
            .at(0);
        this.sound.play("notification");
        this.notification.add(
            _t("%s order(s) wait to be accepted, the oldest since %s.", waiting.length, this.omsFormat(oldest, "time")),
            { type: "warning", title: _t("Store orders") }
        );
    },

    // ---------------------------------------------------------------- calls to the OMS

    omsOutboxKey() {
        return `oms_store_outbox_${this.config.id}`;
    },
    omsLoadOutbox() {
        try {
            return JSON.parse(browser.localStorage.getItem(this.omsOutboxKey()) || "[]");
        } catch {
            return [];
        }
    },
    omsSaveOutbox() {
        browser.localStorage.setItem(this.omsOutboxKey(), JSON.stringify(this.omsOutbox));
    },

    /**
     * Call the door ``method`` of oms.store.pos with a fresh idempotency key. Offline, the
     * call waits in the outbox and ``{queued: true}`` is returned; the answer is shown
     * when it is sent.
     */
    async omsCall(method, args, kwargs = {}, label = "") {
        const call = {
            method,
            args,
            kwargs: { ...kwargs, key: uuidv4(), config_id: this.config.id },
            label,
            at: luxon.DateTime.now().toISO(),
        };
        try {
            const answer = await this.data.call("oms.store.pos", method, call.args, call.kwargs);
            await this.omsRefresh(answer.ids);
            return answer;
        } catch (error) {
            if (error instanceof ConnectionLostError) {
                this.omsOutbox.push(call);
                this.omsSaveOutbox();
                this.notification.add(
                    _t("You are offline: %s is sent as soon as the connection is back.", label),
                    { type: "warning" }
                );
                return { ok: true, queued: true, message: "" };
            }
            throw error;
        }
    },

    async omsFlushOutbox() {
        if (this.omsFlushing || !this.omsOutbox.length) {
            return;
        }
        this.omsFlushing = true;
        try {
            while (this.omsOutbox.length) {
                const call = this.omsOutbox[0];
                let answer;
                try {
                    answer = await this.data.call("oms.store.pos", call.method, call.args, call.kwargs);
                } catch (error) {
                    if (error instanceof ConnectionLostError) {
                        return;
                    }
                    answer = { ok: false, message: error.data?.message || error.message || String(error) };
                }
                this.omsOutbox.shift();
                this.omsSaveOutbox();
                await this.omsRefresh(answer.ids);
                this.notification.add(answer.message || call.label, {
                    type: answer.ok ? "success" : "danger",
                    title: answer.ok
                        ? _t("Sent after reconnecting: %s", call.label)
                        : _t("Refused after reconnecting: %s", call.label),
                    sticky: !answer.ok,
                });
            }
        } finally {
            this.omsFlushing = false;
        }
    },

    // ---------------------------------------------------------------- paying at the till

    /**
     * Put the lines of sale order ``saleOrderId`` in a new till order, as pos_sale settles
     * orders, marked as delivered by the order itself (the till moves no stock for them).
     * ``quantities``: ``{sale line id: quantity}`` to take less than the whole line.
     */
    async omsSettle(saleOrderId, quantities = null, { newOrder = true } = {}) {
        if (newOrder || !this.get_order()) {
            this.add_new_order();
        }
        const saleOrder = await this._getSaleOrder(saleOrderId);
        const order = this.get_order();
        if (saleOrder.partner_id) {
            order.set_partner(saleOrder.partner_id);
        }
        const fiscalPosition =
            saleOrder.fiscal_position_id &&
            this.models["account.fiscal.position"].find(
                (position) => position.id === saleOrder.fiscal_position_id?.id
            );
        if (fiscalPosition) {
            order.update({ fiscal_position_id: fiscalPosition });
        }
        await this.settleSO(saleOrder, fiscalPosition);
        for (const line of [...order.lines]) {
            if (line.sale_order_origin_id?.id !== saleOrder.id) {
                continue;
            }
            line.update({ oms_delivered_by_order: true });
            const quantity = quantities?.[line.sale_order_line_id?.id];
            if (quantity !== undefined && quantity !== null) {
                if (quantity <= 0) {
                    line.delete();
                } else {
                    line.set_quantity(quantity, true);
                }
            }
        }
        return order;
    },

    // ---------------------------------------------------------------- words and dates

    /** A server datetime in the user's own formats: "time", "date", "ago" or date and time. */
    omsFormat(value, what = "datetime") {
        if (!value) {
            return "";
        }
        const date = deserializeDateTime(value);
        if (!date.isValid) {
            return "";
        }
        if (what === "time") {
            return date.toFormat(localization.shortTimeFormat);
        }
        if (what === "date") {
            return formatDate(date);
        }
        if (what === "ago") {
            return date.toRelative();
        }
        return formatDateTime(date, { showSeconds: false });
    },
});
