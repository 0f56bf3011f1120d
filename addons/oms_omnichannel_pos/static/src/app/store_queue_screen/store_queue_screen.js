/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Component, useState } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { useBarcodeReader } from "@point_of_sale/app/barcode/barcode_reader_hook";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { OmsRejectDialog } from "../reject_dialog/reject_dialog";

const TABS = {
    accept: { states: ["new"], label: _t("To accept") },
    prepare: { states: ["accepted"], label: _t("To prepare") },
    shelf: { states: ["ready"], label: _t("Pickup shelf") },
    released: { states: ["released"], label: _t("Released") },
};
const KIND_LABELS = {
    ship: _t("Ship from store"),
    pickup: _t("Click & collect"),
    reservation: _t("Reserved, pay in store"),
};

/** The orders routed to this store: accept or reject them, then pick, pack or hand over. */
export class OmsStoreQueueScreen extends Component {
    static template = "oms_omnichannel_pos.StoreQueueScreen";
    static props = { tab: { type: String, optional: true } };

    setup() {
        this.pos = usePos();
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.state = useState({
            tab: this.props.tab || this.firstBusyTab(),
            query: "",
            found: null,
            busy: false,
        });
        // A scanned pickup code (or order number) finds the order.
        const onScan = (parsed) => this.find(parsed.code);
        useBarcodeReader(
            { product: onScan, error: onScan, client: onScan, discount: onScan, price: onScan, weight: onScan },
            true
        );
    }

    /** The first tab with something in it, in the order the work comes. */
    firstBusyTab() {
        for (const [key, tab] of Object.entries(TABS)) {
            if (this.pos.omsStoreOrders.some((so) => tab.states.includes(so.state) && !so.released_ack)) {
                return key;
            }
        }
        return "accept";
    }

    get tabs() {
        return Object.entries(TABS).map(([key, tab]) => ({
            key,
            label: tab.label,
            count: this.pos.omsStoreOrders.filter(
                (so) => tab.states.includes(so.state) && (key !== "released" || !so.released_ack)
            ).length,
        }));
    }

    get storeOrders() {
        let orders;
        if (this.state.found) {
            orders = this.state.found.map((id) => this.pos.models["oms.store.order"].get(id)).filter(Boolean);
        } else {
            const states = TABS[this.state.tab].states;
            orders = this.pos.omsStoreOrders.filter(
                (so) => states.includes(so.state) && (this.state.tab !== "released" || !so.released_ack)
            );
        }
        return orders.sort((a, b) => (a.offered_date < b.offered_date ? -1 : 1));
    }

    isOpen(storeOrder) {
        return ["new", "accepted", "ready"].includes(storeOrder.state);
    }

    kindLabel(storeOrder) {
        return KIND_LABELS[storeOrder.kind] || "";
    }

    format(value, what) {
        return this.pos.omsFormat(value, what);
    }

    money(amount) {
        return this.env.utils.formatCurrency(amount);
    }

    setTab(tab) {
        this.state.tab = tab;
        this.state.found = null;
        this.state.query = "";
    }

    async find(query) {
        query = (query || this.state.query || "").trim();
        if (!query) {
            this.state.found = null;
            return;
        }
        this.state.query = query;
        const answer = await this.pos.data.call("oms.store.pos", "find", [this.pos.config.id, query]);
        if (!answer.ok) {
            this.pos.sound.play("error");
            this.notification.add(answer.message, { type: "danger" });
            return;
        }
        await this.pos.omsRefresh(answer.ids);
        if (answer.ids.length === 1) {
            const storeOrder = this.pos.models["oms.store.order"].get(answer.ids[0]);
            if (storeOrder?.state === "ready") {
                this.handOver(storeOrder);
                return;
            }
        }
        this.state.found = answer.ids;
    }

    clearSearch() {
        this.state.query = "";
        this.state.found = null;
    }

    async run(method, storeOrder, args, label) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const answer = await this.pos.omsCall(method, [storeOrder.id, ...args], {}, label);
            if (answer.queued) {
                return answer;
            }
            this.notification.add(answer.message, { type: answer.ok ? "success" : "danger" });
            if (!answer.ok) {
                this.pos.sound.play("error");
            }
            return answer;
        } finally {
            this.state.busy = false;
        }
    }

    async accept(storeOrder) {
        const answer = await this.run("accept", storeOrder, [], _t("accepting %s", storeOrder.name));
        if (answer?.ok && !answer.queued) {
            this.state.tab = "prepare";
        }
    }

    async reject(storeOrder) {
        const choice = await makeAwaitable(this.dialog, OmsRejectDialog, {
            title: _t("Reject %s", storeOrder.name),
            reasons: this.pos.omsRejectReasons(),
        });
        if (!choice) {
            return;
        }
        await this.run("reject", storeOrder, [choice.reasonId, choice.note], _t("rejecting %s", storeOrder.name));
    }

    pick(storeOrder) {
        this.pos.showScreen("OmsPickScreen", { storeOrderId: storeOrder.id });
    }

    handOver(storeOrder) {
        this.pos.showScreen("OmsHandoverScreen", { storeOrderId: storeOrder.id });
    }

    async resendReady(storeOrder) {
        await this.run("resend_ready", storeOrder, [], _t("re-sending “ready for pickup” for %s", storeOrder.name));
    }

    async backOnShelf(storeOrder) {
        await this.run("back_on_shelf", storeOrder, [], _t("%s back on the shelf", storeOrder.name));
    }

    back() {
        this.pos.showScreen("ProductScreen");
    }
}

registry.category("pos_screens").add("OmsStoreQueueScreen", OmsStoreQueueScreen);
