/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The store's work in the POS, as its staff does it (tests/test_tour_store_pos.py builds
// the orders and checks the result in Odoo).

import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import { screenshot as takeScreenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

function screenshot(name) {
    return takeScreenshot(name, "body");
}

function openRegister() {
    return [Chrome.startPoS(), Dialog.confirm("Open Register")];
}

function openStoreOrders(count) {
    return [
        {
            content: `the navbar counts ${count} store order(s)`,
            trigger: `.oms-store-orders-button .oms-queue-badge:contains("${count}")`,
        },
        { content: "open the store orders", trigger: ".oms-store-orders-button", run: "click" },
        { trigger: ".oms-store-queue" },
    ];
}

// Each tour's test puts exactly one order in the store's queue.
const CARD = ".oms-store-order";

function notification(text) {
    return { content: `notification: ${text}`, trigger: `.o_notification:contains("${text}")` };
}

registry.category("web_tour.tours").add("OmsStoreAcceptTour", {
    steps: () =>
        [
            openRegister(),
            openStoreOrders(1),
            { trigger: ".oms-tabs [data-tab='accept'] .badge:contains(1)" },
            { content: "who and what", trigger: `${CARD}:contains(Ana):contains(2 x [MUG] Stone Mug)` },
            { content: "when it came in and until when to accept", trigger: `${CARD}:contains(Came in):contains(accept by)` },
            screenshot("pos_store_queue"),
            { trigger: `${CARD} .oms-accept`, run: "click" },
            notification("is yours: pick it next."),
            { content: "it is to prepare now", trigger: `.oms-tabs [data-tab='prepare'].btn-primary` },
            { trigger: `${CARD}:contains(Accepted by Anna)` },
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStoreRejectTour", {
    steps: () =>
        [
            openRegister(),
            openStoreOrders(1),
            { trigger: `${CARD} .oms-reject`, run: "click" },
            { content: "no reason yet: the reject button waits", trigger: ".oms-reject-dialog .modal-footer .btn-danger:disabled" },
            { trigger: ".oms-reject-dialog .oms-reason:contains('Not on the shelf')", run: "click" },
            { trigger: ".oms-reject-dialog textarea", run: "edit Shelf empty at 10:00" },
            screenshot("pos_store_reject"),
            { trigger: ".oms-reject-dialog .modal-footer .btn-danger:enabled", run: "click" },
            notification("was rejected: it now goes from STB."),
            { content: "the queue is empty", trigger: ".oms-store-queue .oms-empty" },
            { trigger: ".oms-store-orders-button:not(:has(.oms-queue-badge))" },
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStorePickPackTour", {
    steps: () =>
        [
            openRegister(),
            openStoreOrders(1),
            { trigger: ".oms-tabs [data-tab='prepare']", run: "click" },
            { trigger: `${CARD} .oms-pick`, run: "click" },
            { trigger: ".oms-pick .oms-pick-line[data-product='[MUG] Stone Mug']" },
            scan_barcode("4006381333948"),
            notification("is not part of"),
            scan_barcode("4006381333931"),
            { trigger: ".oms-pick-line[data-product='[MUG] Stone Mug'] .oms-picked:contains(1)" },
            scan_barcode("4006381333931"),
            { trigger: ".oms-pick-line.table-success[data-product='[MUG] Stone Mug'] .oms-picked:contains(2)" },
            scan_barcode("4006381333931"),
            notification("are already picked"),
            { trigger: ".oms-pack .oms-package-type", run: "selectByLabel Box S" },
            { trigger: ".oms-pack .oms-tracking", run: "edit JD0001" },
            screenshot("pos_store_pick_pack"),
            { trigger: ".oms-confirm-pick", run: "click" },
            notification("was shipped with Parcel, tracking number JD0001."),
            { trigger: ".oms-store-queue" },
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStoreHandoverPayTour", {
    steps: () =>
        [
            openRegister(),
            openStoreOrders(1),
            {
                content: "type the customer's pickup code",
                trigger: ".oms-find input",
                async run(helpers) {
                    const code = document.querySelector(`${CARD} .oms-pickup-code`).textContent.trim();
                    await helpers.edit(code);
                },
            },
            { trigger: ".oms-find button:contains(Find)", run: "click" },
            { content: "the code opens the hand-over", trigger: ".oms-handover" },
            { trigger: ".oms-handover .oms-due:contains('24.00')" },
            { content: "nobody checked who collects yet", trigger: ".oms-take-payment:disabled" },
            { trigger: ".oms-handover .oms-collected-by", run: "edit Ana Silva" },
            { trigger: ".oms-handover .oms-checked", run: "click" },
            screenshot("pos_store_handover"),
            { trigger: ".oms-take-payment:enabled", run: "click" },
            PaymentScreen.isShown(),
            PaymentScreen.totalIs("24.00"),
            PaymentScreen.clickPaymentMethod("Card"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            notification("was handed over to Ana Silva."),
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStoreNoShowTour", {
    steps: () =>
        [
            openRegister(),
            { trigger: ".oms-store-orders-button", run: "click" },
            { trigger: ".oms-tabs [data-tab='released'] .badge:contains(1)" },
            { trigger: ".oms-tabs [data-tab='released']", run: "click" },
            {
                content: "the store sees the no-show and what to do",
                trigger: `${CARD}:contains(Not collected: the reservation ended):contains(Put the items back on the shelf)`,
            },
            { trigger: `${CARD} .oms-state:contains(Released: not collected)` },
            screenshot("pos_store_no_show"),
            { trigger: `${CARD} .oms-back-on-shelf`, run: "click" },
            notification("is off the list."),
            { trigger: ".oms-tabs [data-tab='released'] .badge:contains(0)" },
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsEndlessAisleTour", {
    steps: () =>
        [
            openRegister(),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Ana"),
            // By its whole name: the POS demo's clothes ("Black embroidered t-shirt") match "Shirt".
            ProductScreen.clickDisplayedProduct("Linen Shirt"),
            ProductScreen.clickControlButton("Other stores"),
            { trigger: ".oms-endless-aisle .oms-here:contains(0)" },
            { trigger: ".oms-endless-aisle .oms-network:contains(25)" },
            { trigger: ".oms-endless-aisle .oms-nodes:contains(DCX):contains(STB)" },
            { trigger: ".oms-endless-aisle .oms-sell-ship:contains(Arrives)" },
            screenshot("pos_endless_aisle"),
            { trigger: ".oms-endless-aisle .oms-sell-ship", run: "click" },
            notification("take the payment to confirm it."),
            ProductScreen.clickPayButton(),
            PaymentScreen.totalIs("20.00"),
            PaymentScreen.clickPaymentMethod("Card"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStoreOfflineAcceptTour", {
    steps: () =>
        [
            openRegister(),
            openStoreOrders(1),
            {
                content: "the till loses its connection",
                trigger: "body",
                run() {
                    window.posmodel.data.network.offline = true;
                },
            },
            { trigger: `${CARD} .oms-accept`, run: "click" },
            notification("You are offline: accepting"),
            { trigger: ".oms-store-queue .alert-warning:contains('1 action(s) wait')" },
            {
                content: "the connection is back",
                trigger: "body",
                run() {
                    window.posmodel.data.network.offline = false;
                    window.posmodel.omsFlushOutbox();
                },
            },
            notification("Sent after reconnecting"),
            { trigger: ".oms-store-queue:not(:has(.alert-warning))" },
            { trigger: `.oms-tabs [data-tab='prepare'] .badge:contains(1)` },
        ].flat(Infinity),
});
