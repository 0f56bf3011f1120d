/** @odoo-module **/
// The back office finds a split order in the lifecycle kanban, reads where it ships from and
// why, re-routes it without the store that could not ship, and sees the new plan and the
// whole routing history.
import { registry } from "@web/core/registry";
import { screenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

registry.category("web_tour.tours").add("oms_order_routing_tour", {
    steps: () => [
        {
            content: "The overview lists only the channels' orders: the filter is on",
            trigger: ".o_searchview .o_facet_value:contains('Omnichannel')",
        },
        {
            content: "Switch to the kanban",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Its columns follow the order's life; the order is in fulfilment",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('In fulfilment'))" +
                " .o_kanban_record:contains('Tour Customer')",
        },
        {
            content: "The columns before it are there, empty: on hold, waiting for stock",
            trigger:
                ".o_kanban_renderer:has(.o_column_title:contains('On hold'))" +
                ":has(.o_column_title:contains('Waiting for stock'))",
        },
        ...screenshot("orders_kanban", ".o_kanban_record:contains('Tour Customer')"),
        {
            content: "Back to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
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
        {
            content: "Open the routing history from the smart button",
            trigger: ".o_form_view .oe_stat_button:contains('Routing')",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Routing History')",
        },
        {
            content: "It lists every decision of the order, not only the current one",
            trigger:
                ".o_list_view:has(.o_data_row:contains('Re-routed'))" +
                ":has(.o_data_row:contains('Order confirmed'))",
        },
    ],
});
