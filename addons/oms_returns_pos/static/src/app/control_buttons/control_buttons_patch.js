/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { OmsOnlineReturnDialog } from "../online_return_dialog/online_return_dialog";

patch(ControlButtons.prototype, {
    /** A customer brings back goods of an online order. */
    onClickOnlineReturn() {
        this.dialog.add(OmsOnlineReturnDialog, {});
    },
});
