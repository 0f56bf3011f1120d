/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { useService } from "@web/core/utils/hooks";
import { usePos } from "@point_of_sale/app/store/pos_hook";

export const REASONS = [
    ["changed_mind", _t("Changed their mind")],
    ["wrong_size", _t("Wrong size or fit")],
    ["not_as_described", _t("Not as described")],
    ["wrong_item", _t("Wrong item sent")],
    ["damaged_in_transit", _t("Damaged in transit")],
    ["defective", _t("Defective")],
    ["other", _t("Other")],
];
export const CONDITIONS = [
    ["as_new", _t("As new")],
    ["opened", _t("Opened")],
    ["damaged", _t("Damaged")],
    ["defective", _t("Defective")],
];

/**
 * A return of an online order at the till: find the order (number, the shop's number, the
 * customer's e-mail, a scan), pick the lines, reasons and conditions, see the refund, and
 * complete it. Cash paid out is a line of the till's order, so the receipt shows the return.
 */
export class OmsOnlineReturnDialog extends Component {
    static template = "oms_returns_pos.OnlineReturnDialog";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.notification = useService("notification");
        this.reasons = REASONS;
        this.conditions = CONDITIONS;
        this.state = useState({
            query: "",
            orders: [],
            order: null,
            picks: {},
            refundMethod: "cash",
            message: "",
            busy: false,
        });
    }

    async find() {
        this.state.busy = true;
        try {
            const answer = await this.pos.data.call("oms.return.pos", "find_orders", [
                this.pos.config.id,
                this.state.query,
            ]);
            this.state.orders = answer.orders;
            this.state.message = answer.message;
            if (answer.orders.length === 1) {
                this.choose(answer.orders[0]);
            }
        } finally {
            this.state.busy = false;
        }
    }

    choose(order) {
        this.state.order = order;
        this.state.picks = Object.fromEntries(
            order.lines.map((line) => [
                line.line_id,
                { quantity: 0, reason: "changed_mind", condition: "as_new" },
            ])
        );
    }

    get refund() {
        if (!this.state.order) {
            return 0;
        }
        return this.state.order.lines.reduce(
            (total, line) => total + line.unit_refund * (this.state.picks[line.line_id]?.quantity || 0),
            0
        );
    }

    get canComplete() {
        return !this.state.busy && this.refund > 0;
    }

    setQuantity(line, value) {
        const quantity = Math.max(0, Math.min(parseInt(value) || 0, line.returnable));
        this.state.picks[line.line_id].quantity = quantity;
    }

    async complete() {
        const order = this.state.order;
        const lines = Object.entries(this.state.picks)
            .filter(([, pick]) => pick.quantity > 0)
            .map(([lineId, pick]) => ({ line_id: parseInt(lineId), ...pick }));
        this.state.busy = true;
        try {
            const answer = await this.pos.data.call(
                "oms.return.pos",
                "complete",
                [this.pos.config.id, order.id, lines, this.state.refundMethod],
                { key: `${this.pos.get_order().uuid}-${order.id}` }
            );
            if (!answer.ok) {
                this.pos.sound.play("error");
                this.state.message = answer.message;
                return;
            }
            await this.pos.addLineToCurrentOrder(
                {
                    product_id: answer.product_id,
                    qty: 1,
                    price_unit: -answer.paid_out,
                    customer_note: answer.note,
                },
                {},
                false
            );
            this.notification.add(`${answer.return_name}: ${answer.message}`, { type: "success" });
            this.props.close();
        } finally {
            this.state.busy = false;
        }
    }
}
