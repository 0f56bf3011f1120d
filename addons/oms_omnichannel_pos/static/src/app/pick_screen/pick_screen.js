/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Component, onWillStart, useState } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { useBarcodeReader } from "@point_of_sale/app/barcode/barcode_reader_hook";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { OmsRejectDialog } from "../reject_dialog/reject_dialog";

/** Pick (and, for a shipped order, pack) a store order: scan or tap every item. */
export class OmsPickScreen extends Component {
    static template = "oms_omnichannel_pos.PickScreen";
    static props = { storeOrderId: Number };

    setup() {
        this.pos = usePos();
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.state = useState({
            lines: [],
            picked: {},
            carriers: [],
            packageTypes: [],
            carrierId: false,
            packageTypeId: false,
            tracking: "",
            address: "",
            busy: false,
            lastScanned: null,
        });
        onWillStart(() => this.load());
        const onScan = (parsed) => this.scan(parsed.code);
        useBarcodeReader(
            { product: onScan, error: onScan, client: onScan, discount: onScan, price: onScan, weight: onScan, quantity: onScan },
            true
        );
    }

    get storeOrder() {
        return this.pos.models["oms.store.order"].get(this.props.storeOrderId);
    }

    get ships() {
        return this.storeOrder?.kind === "ship";
    }

    async load() {
        const data = await this.pos.data.call("oms.store.pos", "lines", [this.props.storeOrderId]);
        this.state.lines = data.lines;
        this.state.carriers = data.carriers;
        this.state.packageTypes = data.package_types;
        this.state.carrierId = data.carrier_id || false;
        this.state.packageTypeId = data.package_types[0]?.id || false;
        this.state.address = data.delivery_address;
        for (const line of data.lines) {
            this.state.picked[line.move_id] = line.picked_quantity || 0;
        }
    }

    remaining(line) {
        return line.quantity - (this.state.picked[line.move_id] || 0);
    }

    get pickable() {
        return this.state.lines.filter((line) => !line.coming);
    }

    get allPicked() {
        return this.pickable.every((line) => this.remaining(line) <= 0);
    }

    scan(code) {
        const line = this.pickable.find(
            (l) => code && (l.barcode === code || l.default_code === code)
        ) || this.pickable.find((l) => code && l.barcode && l.barcode.replace(/^0+/, "") === code.replace(/^0+/, ""));
        if (!line) {
            const product = this.pos.models["product.product"].getBy("barcode", code);
            this.pos.sound.play("error");
            this.notification.add(
                _t(
                    "%s is not part of %s: put it back.",
                    product ? `${product.display_name} (${code})` : code,
                    this.storeOrder.name
                ),
                { type: "danger", title: _t("Wrong item") }
            );
            return;
        }
        if (this.remaining(line) <= 0) {
            this.pos.sound.play("error");
            this.notification.add(
                _t("All %s × %s are already picked.", line.quantity, line.product_name),
                { type: "warning" }
            );
            return;
        }
        this.pos.sound.play("beep");
        this.state.picked[line.move_id] += 1;
        this.state.lastScanned = line.move_id;
    }

    change(line, delta) {
        const value = (this.state.picked[line.move_id] || 0) + delta;
        this.state.picked[line.move_id] = Math.min(Math.max(value, 0), line.quantity);
    }

    pickAll(line) {
        this.state.picked[line.move_id] = line.quantity;
    }

    async confirm() {
        const missing = this.pickable.filter((line) => this.remaining(line) > 0);
        let reasonId = false;
        if (missing.length) {
            const choice = await makeAwaitable(this.dialog, OmsRejectDialog, {
                title: _t("Items missing"),
                explanation: _t(
                    "Missing: %s. They go to another store or warehouse. Why are they missing?",
                    missing.map((line) => `${this.remaining(line)} × ${line.product_name}`).join(", ")
                ),
                confirmLabel: _t("Go on without them"),
                reasons: this.pos.omsRejectReasons(true),
            });
            if (!choice) {
                return;
            }
            reasonId = choice.reasonId;
        }
        this.state.busy = true;
        try {
            const picked = Object.fromEntries(
                this.pickable.map((line) => [line.move_id, this.state.picked[line.move_id] || 0])
            );
            const answer = await this.pos.omsCall(
                "pack",
                [this.props.storeOrderId, picked],
                {
                    reason_id: reasonId,
                    package_type_id: this.ships ? this.state.packageTypeId : false,
                    carrier_id: this.ships ? this.state.carrierId : false,
                    tracking_ref: this.ships ? this.state.tracking : "",
                },
                _t("picking %s", this.storeOrder.name)
            );
            if (!answer.queued) {
                this.notification.add(answer.message, { type: answer.ok ? "success" : "danger" });
            }
            if (answer.ok) {
                this.pos.showScreen("OmsStoreQueueScreen", { tab: this.ships ? "prepare" : "shelf" });
            } else {
                this.pos.sound.play("error");
            }
        } finally {
            this.state.busy = false;
        }
    }

    back() {
        this.pos.showScreen("OmsStoreQueueScreen", { tab: "prepare" });
    }
}

registry.category("pos_screens").add("OmsPickScreen", OmsPickScreen);
