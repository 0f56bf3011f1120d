/** @odoo-module **/
// Customer service starts a return of a delivered web order from the order, then reads on
// the return where the item goes and why.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_return_tour", {
    steps: () => [
        {
            content: "Start a return from the order",
            trigger: ".o_form_view button[name=action_oms_start_return]",
            run: "click",
        },
        {
            content: "The delivered line may come back",
            trigger: ".modal .o_data_row td[name=returnable]:contains(2)",
        },
        {
            content: "One comes back",
            trigger: ".modal .o_data_row:first td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:first td[name=quantity] input",
            run: "edit 1",
        },
        {
            content: "Start the return",
            trigger: ".modal button[name=action_start]",
            run: "click",
        },
        {
            content: "The return is requested",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Requested)",
        },
        {
            content: "It goes to the store that sells it",
            trigger: ".o_field_widget[name=line_ids] td[name=warehouse_id]:contains(Tour Return Store)",
        },
        {
            content: "Why",
            trigger: ".o_notebook a.nav-link:contains(Why)",
            run: "click",
        },
        {
            content: "The decision in words, with amounts in euros",
            trigger: ".o_field_widget[name=decision_ids] td:contains(Sent to Tour Return Store):contains(€)",
        },
        {
            content: "The parcel waits at the store",
            trigger: ".oe_stat_button:contains(Transfers)",
            run: "click",
        },
        {
            content: "Its receipt goes into the store's stock (TRS is the store's code)",
            trigger: ".o_list_view .o_data_row td[name=location_dest_id]:contains(TRS/)",
        },
    ],
});
