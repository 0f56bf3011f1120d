/** @odoo-module **/
// The OMS manager tries a change of a sourcing policy: replays the last days' orders with
// the new weight, reads which orders would move and why, then activates it.
import { registry } from "@web/core/registry";
import { screenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

registry.category("web_tour.tours").add("oms_policy_replay_tour", {
    steps: () => [
        {
            content: "Try a change of the policy",
            trigger: ".o_form_view .o_form_statusbar button:contains('Try a Change')",
            run: "click",
        },
        {
            content: "The candidate starts as the live policy",
            trigger:
                ".o_form_view:has(.o_field_widget[name=days]) .o_field_widget[name=weight_priority] input",
            run: "edit 0",
        },
        {
            content: "Replay the last days' orders with it",
            trigger: ".o_form_view button[name=action_replay]",
            run: "click",
        },
        {
            content: "Side by side: every order would move",
            trigger: ".o_form_view .o_field_widget[name=changed_count]:contains('3')",
        },
        {
            content: "The load moves from one node to the other",
            trigger: ".o_form_view a[role=tab]:contains('Load per Node')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=node_line_ids] .o_data_row:contains('Replay South')",
        },
        {
            trigger: ".o_form_view a[role=tab]:contains('Orders That Would Change')",
            run: "click",
        },
        ...screenshot("control_tower_policy_replay", ".o_field_widget[name=order_line_ids] .o_data_row"),
        {
            content: "Open one order: both plans and both reasons",
            trigger: ".o_field_widget[name=order_line_ids] .o_data_row:first .o_data_cell:first",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=replay_explanation]:contains('Replay South')",
        },
        {
            trigger: ".modal .o_field_widget[name=decided_explanation]:contains('Replay North')",
        },
        {
            trigger: ".modal .o_form_button_cancel, .modal .btn-close",
            run: "click",
        },
        {
            content: "Activate the change",
            trigger: ".o_form_view button[name=action_activate]",
            run: "click",
        },
        {
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Activated')",
        },
    ],
});
