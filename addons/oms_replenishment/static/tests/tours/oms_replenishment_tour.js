/** @odoo-module **/
// The OMS manager computes the replenishment proposals, reads why the store should get
// shirts from the DC and what it saves, confirms the transfer, and rejects the purchase.
import { registry } from "@web/core/registry";
import { screenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

registry.category("web_tour.tours").add("oms_replenishment_tour", {
    steps: () => [
        {
            content: "Compute the proposals from the last weeks' orders",
            trigger: ".o_list_view button[name=action_compute_proposals]",
            run: "click",
        },
        {
            content: "The transfer from the DC to the store",
            trigger: ".o_data_row:contains('Tour Hamburg DC to Tour Store Mitte') .o_data_cell:first",
            run: "click",
        },
        {
            content: "Why: the store sold more than it holds",
            trigger:
                ".o_form_view .o_field_widget[name=reason]:contains('Send 6 units of Tour shirt from Tour Hamburg DC to Tour Store Mitte')",
        },
        {
            content: "What it saves on the replayed orders",
            trigger: ".o_form_view .o_field_widget[name=saving_summary]:contains('Replaying the 12 orders')",
        },
        ...screenshot("replenishment_proposal", ".o_form_view .o_field_widget[name=line_ids] .o_data_row"),
        {
            content: "Confirm it",
            trigger: ".o_form_view button[name=action_confirm]",
            run: "click",
        },
        {
            content: "It became a transfer",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=picking_id] a, .o_form_view .o_field_widget[name=picking_id]:not(:empty)",
        },
        {
            content: "Back to the proposals",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "The purchase of caps",
            trigger: ".o_data_row:contains('Buy Tour cap for Tour Hamburg DC') .o_data_cell:first",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_open_reject]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Caps are dropped",
        },
        {
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        {
            content: "Rejected",
            trigger: ".o_form_view .o_field_widget[name=reject_reason]:contains('Caps are dropped')",
        },
    ],
});
