/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A customer brings back a shirt of an online order to store A: the cashier finds the order
// by its number, takes one shirt back, pays it out in cash, and the receipt shows the return
// (tests/test_tour_till_return.py builds the order and checks the result in Odoo).

import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";

registry.category("web_tour.tours").add("OmsTillReturnTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickControlButton("Online return"),
            {
                content: "type the order's number",
                trigger: ".oms-return-find input",
                run: "edit #W-2001",
            },
            { trigger: ".oms-return-find button:contains(Find)", run: "click" },
            { content: "the order and what may come back", trigger: ".oms-return-order-name" },
            { trigger: ".oms-return-line:contains(Shirt) .oms-returnable:contains(2)" },
            { trigger: ".oms-return-line:contains(Shirt) .oms-return-qty", run: "edit 1" },
            { trigger: ".oms-return-line:contains(Shirt) .oms-return-reason", run: "select wrong_size" },
            { content: "the refund is shown", trigger: ".oms-return-refund:contains(20.00)" },
            { trigger: ".oms-refund-cash.active" },
            { trigger: ".oms-return-complete:enabled", run: "click" },
            { content: "done", trigger: ".o_notification:contains(paid back in cash)" },
            ProductScreen.selectedOrderlineHas("Return of an online order", "1.00", "-20.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.totalIs("-20.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt shows the return",
                trigger: ".pos-receipt:contains(Return RET/):contains(Shirt)",
            },
        ].flat(Infinity),
});
