/** @odoo-module **/
// The back office opens a split order, reads where it ships from and why, then re-routes it
// without the store that could not ship, and sees the new plan and the history.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_order_routing_tour", {
    steps: () => [
        {
            content: "Open the split order from the Omnichannel orders list",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The banner says it ships in two packages",
            trigger:
                ".o_oms_routing_banner:contains('Ships in'):contains('packages')" +
                ":has(.o_field_widget[name=oms_package_count]:contains('2'))",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The explanation names both nodes",
            trigger: ".o_oms_explanation:contains('Tour DC'):contains('Tour Store B')",
        },
        {
            content: "One delivery leaves the store",
            trigger: ".o_field_widget[name=picking_ids] .o_data_cell:contains('TSB/OUT')",
        },
        {
            content: "Re-route the order",
            trigger: ".o_form_view button[name=action_oms_reroute]",
            run: "click",
        },
        {
            content: "The wizard lists the deliveries it will cancel",
            trigger: ".modal .o_field_widget[name=picking_ids] .o_data_cell:contains('TSB/OUT')",
        },
        {
            content: "Leave the store out of the new plan",
            trigger: ".modal .o_field_widget[name=excluded_warehouse_ids] input",
            run: "edit Tour Store B",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item a:contains('Tour Store B')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=excluded_warehouse_ids] .o_tag:contains('Tour Store B')",
        },
        {
            content: "Confirm the re-route",
            trigger: ".modal button[name=action_reroute]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            // The wizard opens the order again as a new breadcrumb step: wait for it, or the
            // next click lands on the form being replaced.
            content: "Back on the order, reloaded",
            trigger: ".o_breadcrumb ol.breadcrumb .breadcrumb-item:contains('S0')",
        },
        {
            content: "Open the Fulfilment tab again",
            trigger: ".o_form_view .o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The store's part now leaves the other store",
            trigger: ".o_field_widget[name=picking_ids] .o_data_row:contains('TSC/OUT')",
        },
        {
            content: "The history keeps both decisions, the new one marked Re-routed",
            trigger: ".o_field_widget[name=oms_decision_ids] .o_data_cell:contains('Re-routed')",
        },
        {
            content: "The banner still tells how the order ships",
            trigger: ".o_oms_routing_banner:contains('Ships in')",
        },
    ],
});
