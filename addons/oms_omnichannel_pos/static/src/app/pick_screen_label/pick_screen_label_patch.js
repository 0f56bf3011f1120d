/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { OmsPickScreen } from "../pick_screen/pick_screen";
import { OmsLabelDialog } from "./label_dialog";

/** The parcel's label on the pick-and-pack screen: ask the retailer's carrier for it, see
 * how it stands (on its way, ready, refused - in words), print it; a bought label's
 * tracking number fills the tracking field. */
patch(OmsPickScreen.prototype, {
    setup() {
        super.setup(...arguments);
        this.state.label = null;
    },

    async load() {
        await super.load(...arguments);
        if (this.ships) {
            await this.omsLabelCall("label_status");
        }
    },

    async omsLabelCall(method) {
        const answer = await this.pos.data.call("oms.store.label", method, [
            this.props.storeOrderId,
            this.pos.config.id,
        ]);
        this.state.label = answer;
        if (answer.tracking && !this.state.tracking) {
            this.state.tracking = answer.tracking;
        }
        return answer;
    },

    async requestLabel() {
        const answer = await this.omsLabelCall("request_label");
        if (!answer.ok) {
            this.pos.sound.play("error");
        }
    },

    async printLabel() {
        const answer = await this.omsLabelCall("label_pdf");
        if (!answer.ok || !answer.pdf) {
            this.notification.add(answer.message, { type: "warning" });
            return;
        }
        this.dialog.add(OmsLabelDialog, {
            title: _t("Label of %s", this.storeOrder.name),
            pdf: answer.pdf,
        });
    },
});
