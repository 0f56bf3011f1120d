/** @odoo-module **/
// A node goes down: the manager switches it off from its form, sees the deliveries that will
// move, confirms, and the node is marked as off.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_node_failover_tour", {
    steps: () => [
        {
            content: "Switch the node off from its form",
            trigger: ".o_form_view .o_form_statusbar button[name=action_oms_switch_off]",
            run: "click",
        },
        {
            content: "The wizard lists the open delivery that would move",
            trigger: ".modal .o_field_widget[name=picking_ids] .o_data_cell:contains('TFA/OUT')",
        },
        {
            content: "Re-routing them is the default",
            trigger: ".modal .o_field_widget[name=reroute] input:checked",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_switch_off]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The node is marked as off, and can be switched on again",
            trigger:
                ".o_form_view:has(.ribbon:contains('Routing off'))" +
                " .o_form_statusbar button[name=action_oms_switch_on]",
        },
    ],
});
