/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { OmsEndlessAisleDialog } from "../endless_aisle_dialog/endless_aisle_dialog";

patch(ControlButtons.prototype, {
    /** The selected item is not (enough) in this store: sell it from the network. */
    onClickOtherStores() {
        const line = this.pos.get_order()?.get_selected_orderline();
        if (!line) {
            this.notification.add(_t("Add the item the customer wants to the order first."), {
                type: "warning",
            });
            return;
        }
        this.dialog.add(OmsEndlessAisleDialog, {
            product: line.product_id,
            quantity: line.get_quantity(),
            line,
        });
    },
});
