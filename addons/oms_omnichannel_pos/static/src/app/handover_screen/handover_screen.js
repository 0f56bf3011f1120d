/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Component, onWillStart, useState } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/** Click & collect at the counter: check who collects, take what is due, hand over. */
export class OmsHandoverScreen extends Component {
    static template = "oms_omnichannel_pos.HandoverScreen";
    static props = { storeOrderId: Number };

    setup() {
        this.pos = usePos();
        this.notification = useService("notification");
        this.state = useState({
            lines: [],
            collected: {},
            collectedBy: "",
            checked: false,
            note: "",
            busy: false,
            email: "",
        });
        onWillStart(() => this.load());
    }

    get storeOrder() {
        return this.pos.models["oms.store.order"].get(this.props.storeOrderId);
    }

    async load() {
        const data = await this.pos.data.call("oms.store.pos", "lines", [this.props.storeOrderId]);
        this.state.lines = data.lines;
        this.state.email = data.customer_email;
        for (const line of data.lines) {
            this.state.collected[line.move_id] = line.picked_quantity;
        }
        this.state.collectedBy = this.storeOrder?.customer_name || "";
    }

    refused(line) {
        return line.picked_quantity - (this.state.collected[line.move_id] || 0);
    }

    get anyRefused() {
        return this.state.lines.some((line) => this.refused(line) > 0);
    }

    /** What is still to pay for what the customer takes. */
    get due() {
        const storeOrder = this.storeOrder;
        if (!storeOrder || storeOrder.amount_due <= 0) {
            return 0;
        }
        const refusedValue = this.state.lines.reduce(
            (total, line) => total + this.refused(line) * line.unit_price,
            0
        );
        return Math.max(storeOrder.amount_due - refusedValue, 0);
    }

    get canHandOver() {
        return this.state.checked && this.state.collectedBy.trim() && !this.state.busy;
    }

    money(amount) {
        return this.env.utils.formatCurrency(amount);
    }

    change(line, delta) {
        const value = (this.state.collected[line.move_id] || 0) + delta;
        this.state.collected[line.move_id] = Math.min(Math.max(value, 0), line.picked_quantity);
    }

    collected() {
        return Object.fromEntries(
            this.state.lines.map((line) => [line.move_id, this.state.collected[line.move_id] || 0])
        );
    }

    /** Put what the customer takes in a till order; the hand-over follows the payment. */
    async takePayment() {
        const quantities = {};
        for (const line of this.state.lines) {
            quantities[line.sale_line_id] = (quantities[line.sale_line_id] || 0) + (this.state.collected[line.move_id] || 0);
        }
        this.pos.omsPendingHandover = {
            storeOrderId: this.props.storeOrderId,
            saleOrderId: this.storeOrder.sale_order_ref,
            collectedBy: this.state.collectedBy.trim(),
            collected: this.collected(),
            note: this.state.note,
        };
        const order = await this.pos.omsSettle(this.storeOrder.sale_order_ref, quantities);
        this.pos.showScreen("PaymentScreen", { orderUuid: order.uuid });
    }

    async handOver() {
        this.state.busy = true;
        try {
            const answer = await this.pos.omsCall(
                "handover",
                [this.props.storeOrderId, this.state.collectedBy.trim()],
                { collected: this.collected(), note: this.state.note },
                _t("handing over %s", this.storeOrder.name)
            );
            if (!answer.queued) {
                this.notification.add(answer.message, { type: answer.ok ? "success" : "danger" });
            }
            if (answer.ok) {
                this.pos.showScreen("OmsStoreQueueScreen", { tab: "shelf" });
            } else {
                this.pos.sound.play("error");
            }
        } finally {
            this.state.busy = false;
        }
    }

    back() {
        this.pos.showScreen("OmsStoreQueueScreen", { tab: "shelf" });
    }
}

registry.category("pos_screens").add("OmsHandoverScreen", OmsHandoverScreen);
