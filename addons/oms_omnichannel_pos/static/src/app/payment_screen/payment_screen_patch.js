/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";

patch(PaymentScreen.prototype, {
    /** The payment of a click & collect order is in: hand it over, as the cashier asked. */
    async afterOrderValidation() {
        const pending = this.pos.omsPendingHandover;
        if (
            pending &&
            this.currentOrder.lines.some(
                (line) => line.oms_delivered_by_order && line.sale_order_origin_id?.id === pending.saleOrderId
            )
        ) {
            this.pos.omsPendingHandover = null;
            const storeOrder = this.pos.models["oms.store.order"].get(pending.storeOrderId);
            const answer = await this.pos.omsCall(
                "handover",
                [pending.storeOrderId, pending.collectedBy],
                { collected: pending.collected, note: pending.note },
                _t("handing over %s", storeOrder?.name || "")
            );
            if (!answer.queued) {
                this.pos.notification.add(answer.message, {
                    type: answer.ok ? "success" : "danger",
                    sticky: !answer.ok,
                });
            }
        }
        return super.afterOrderValidation(...arguments);
    },
});
