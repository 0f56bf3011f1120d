/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A ship-from-store parcel's label at the till (tests/test_tour_store_label.py builds the
// order, plays the carrier's answer and checks the result in Odoo).

import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";

const CARD = ".oms-store-order";

function openPickScreen() {
    return [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        { content: "open the store orders", trigger: ".oms-store-orders-button", run: "click" },
        { trigger: ".oms-tabs [data-tab='prepare']", run: "click" },
        { trigger: `${CARD} .oms-pick`, run: "click" },
        { trigger: ".oms-pick .oms-pack" },
    ];
}

registry.category("web_tour.tours").add("OmsStoreLabelRequestTour", {
    steps: () =>
        [
            openPickScreen(),
            { content: "no label yet", trigger: ".oms-label[data-state='none'] .oms-label-request", run: "click" },
            {
                content: "the label is on its way",
                trigger: ".oms-label[data-state='requested'] .oms-label-message:contains('is on its way from the carrier')",
            },
            { trigger: ".oms-label .oms-label-refresh", run: "click" },
            { trigger: ".oms-label[data-state='requested']:not(:has(.oms-label-print-open))" },
        ].flat(Infinity),
});

registry.category("web_tour.tours").add("OmsStoreLabelPrintTour", {
    steps: () =>
        [
            openPickScreen(),
            {
                content: "the label is ready, with its tracking number",
                trigger: ".oms-label[data-state='bought'] .oms-label-message:contains('tracking number LBL-4242')",
            },
            {
                content: "the tracking number is filled in",
                trigger: ".oms-pack .oms-tracking",
                run() {
                    const value = document.querySelector(".oms-pack .oms-tracking").value;
                    if (value !== "LBL-4242") {
                        throw new Error(`tracking field holds ${value}`);
                    }
                },
            },
            { trigger: ".oms-label .oms-label-print-open", run: "click" },
            { content: "the PDF in the till", trigger: ".oms-label-dialog iframe.oms-label-pdf[src^='blob:']" },
            { trigger: ".oms-label-dialog .oms-label-print" },
            { trigger: ".oms-label-dialog .modal-footer .btn-secondary", run: "click" },
            { trigger: ".oms-pick:not(:has(.oms-label-dialog))" },
        ].flat(Infinity),
});
