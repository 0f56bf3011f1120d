/** @odoo-module **/
// A store employee opens the Omnichannel orders: only their store's orders are listed, and a
// split order shows only the delivery leaving their store.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_store_staff_tour", {
    steps: () => [
        {
            content: "The store's own order is listed",
            trigger: ".o_list_view .o_data_row:contains('Staff Customer A')",
        },
        {
            content: "The other store's order is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Staff Customer B')))",
        },
        {
            content: "Open the order split between both stores",
            trigger: ".o_list_view .o_data_row:contains('Staff Customer AB') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The delivery from this store is shown",
            trigger: ".o_field_widget[name=picking_ids] .o_data_cell:contains('SSA/OUT')",
        },
        {
            content: "The other store's delivery is not",
            trigger: ".o_field_widget[name=picking_ids]:not(:has(.o_data_cell:contains('SSB/OUT')))",
        },
        {
            content: "No Re-route for store staff",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_oms_reroute]))",
        },
    ],
});
