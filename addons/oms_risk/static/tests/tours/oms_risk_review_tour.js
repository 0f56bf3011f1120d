/** @odoo-module **/
// Customer service works the review queue: opens the order the risk check held, reads why,
// approves it with a reason, and reads the order's life on its form - released, the risk
// history, the payment decision and what the customer was told.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_risk_review_tour", {
    steps: () => [
        {
            content: "The held order waits in the review queue, with its score",
            trigger: ".o_list_view .o_data_row:contains('Tour Risky Customer'):contains('75')",
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains('Tour Risky Customer') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The banner says nothing is released, and why",
            trigger: ".o_oms_release_banner:contains('It waits for a person to review its risk (score 75).')",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The reasons are shown in words, with their points",
            trigger:
                ".o_oms_risk_why:contains('Risk score 75 reaches the review threshold 60')" +
                ":contains('On the block list: the e-mail address. (+60 points)')",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name=action_oms_risk_approve]",
            run: "click",
        },
        {
            content: "The dialog shows the reasons again",
            trigger: ".modal .o_oms_risk_reasons:contains('On the block list')",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Called the customer: a genuine order.",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The order is approved",
            trigger: ".o_form_view .o_field_widget[name=oms_risk_state]:contains('Approved')",
        },
        {
            content: "Nothing holds it any more",
            trigger: ".o_form_view:not(:has(.o_oms_release_banner))",
        },
        {
            content: "Its life on the Fulfilment tab: the review in the risk history",
            trigger: ".o_form_view .o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=oms_risk_decision_ids] .o_data_cell:contains('Approved')",
        },
        {
            content: "the payment decision",
            trigger:
                ".o_field_widget[name=oms_payment_note]:contains('Card, paid at checkout: released at once.')",
        },
        {
            content: "and what the customer was told",
            trigger: ".o_field_widget[name=oms_customer_message_ids] .o_data_cell:contains('Order confirmed')",
        },
    ],
});
