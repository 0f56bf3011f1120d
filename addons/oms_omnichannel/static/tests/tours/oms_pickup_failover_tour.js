/** @odoo-module **/
// A store goes down for good: the manager switches it off from its form and stops click &
// collect there too. Its pickup order moves to the nearest store that has everything; the
// manager follows the link in the store's chatter to the order, which says where it is
// collected now, why, and that the customer was told.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_pickup_failover_tour", {
    steps: () => [
        {
            content: "Switch the store off from its form",
            trigger: ".o_form_view .o_form_statusbar button[name=action_oms_switch_off]",
            run: "click",
        },
        {
            content: "The wizard lists the store's pickup order",
            trigger: ".modal .o_field_widget[name=picking_ids] .o_data_cell:contains('TPM/OUT')",
        },
        {
            content: "The store no longer hands over orders either",
            trigger: ".modal .o_field_widget[name=stop_pickups] input",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=stop_pickups] input:checked",
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
            content: "The store's chatter says what moved",
            trigger: ".o-mail-Message:contains('Switched off for routing'):contains('planned again')",
        },
        {
            content: "Open the order from the store's chatter",
            trigger: ".o-mail-Message:contains('Switched off for routing') a[data-oe-model='sale.order']",
            run: "click",
        },
        {
            content: "The banner: collected, ready in store",
            trigger: ".o_form_view .o_oms_routing_banner:contains('Collected in'):contains('ready in store')",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The Why says where the order moved, and why",
            trigger:
                ".o_oms_explanation:contains('no longer hands over orders')" +
                ":contains('moved to Tour Pankow'):contains('Collected at Tour Pankow')",
        },
        {
            content: "The handover is at the other store now",
            trigger: ".o_field_widget[name=picking_ids] .o_data_row:contains('TPP/OUT')",
        },
        {
            content: "The customer was told, by e-mail",
            trigger: ".o-mail-Message:contains('will be ready for you at Tour Pankow')",
        },
    ],
});
