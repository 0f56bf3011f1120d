/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { Component, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { useService } from "@web/core/utils/hooks";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/**
 * Endless aisle: where the network has the product and when it would arrive - at the
 * customer's home or ready at another store - and selling it that way.
 */
export class OmsEndlessAisleDialog extends Component {
    static template = "oms_omnichannel_pos.EndlessAisleDialog";
    static components = { Dialog };
    static props = {
        product: Object,
        quantity: Number,
        line: { type: Object, optional: true },
        close: Function,
    };

    setup() {
        this.pos = usePos();
        this.notification = useService("notification");
        this.state = useState({ availability: null, busy: false, quantity: Math.max(this.props.quantity, 1) });
        onWillStart(() => this.load());
    }

    get partner() {
        return this.pos.get_order()?.get_partner();
    }

    async load() {
        this.state.availability = await this.pos.data.call("oms.store.pos", "availability", [
            this.pos.config.id,
            this.props.product.id,
            this.state.quantity,
            this.partner?.id || false,
        ]);
    }

    async chooseCustomer() {
        await this.pos.selectPartner();
        await this.load();
    }

    async sell(mode, pickupWarehouseId = false) {
        if (!this.partner) {
            this.notification.add(_t("Choose the customer first: the order is theirs."), { type: "warning" });
            return;
        }
        this.state.busy = true;
        try {
            const answer = await this.pos.data.call("oms.store.pos", "sell_elsewhere", [
                this.pos.config.id,
                this.partner.id,
                [[this.props.product.id, this.state.quantity]],
                mode,
            ], {
                pickup_warehouse_id: pickupWarehouseId,
                key: `${this.pos.config.id}-${this.pos.get_order().uuid}-${this.props.product.id}-${mode}-${pickupWarehouseId}`,
            });
            if (!answer.ok) {
                this.pos.sound.play("error");
                this.notification.add(answer.message, { type: "danger" });
                return;
            }
            this.props.line?.delete();
            await this.pos.omsSettle(answer.sale_order_id, null, { newOrder: false });
            this.notification.add(
                _t("%s: take the payment to confirm it.", answer.name),
                { type: "success" }
            );
            this.props.close();
        } finally {
            this.state.busy = false;
        }
    }
}
