/** @odoo-module **/
// Customer service changes an order by phone: the wizard says what can still change, what a
// change costs and the new promise before anything is applied; the customer agrees to
// collect the order in a store instead, and the change is applied.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_order_change_tour", {
    steps: () => [
        {
            content: "Open the Change Order wizard from the order",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Change Order')",
            run: "click",
        },
        {
            content: "It says what can still change",
            trigger: ".modal .o_field_widget[name=options_html]:contains('can still be cancelled')",
        },
        {
            content: "Lower the kettles from 2 to 1",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row .o_data_cell[name=new_quantity]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row [name=new_quantity] input",
            run: "edit 1",
        },
        {
            content: "Leave the line: the preview follows",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "click",
        },
        {
            content: "Before applying: the refund the customer would get",
            trigger: ".modal .o_field_widget[name=preview_html]:contains('goes back to the customer')",
        },
        {
            content: "The customer prefers to collect the order instead",
            trigger: ".modal .o_field_widget[name=operation] input[data-value=delivery_mode]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=delivery_mode] input[data-value=pickup]",
            run: "click",
        },
        {
            content: "In the store next door",
            trigger: ".modal .o_field_widget[name=pickup_warehouse_id] input",
            run: "edit Change Tour Store",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains('Change Tour Store')",
            run: "click",
        },
        {
            content: "Before applying: where it would come from and the new promise",
            trigger: ".modal .o_field_widget[name=preview_html]:contains('New promise')",
        },
        {
            content: "The customer agrees: apply",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
