/** @odoo-module **/
// A manager gives the marketplace a fifth of the DC's lamps, then opens "What Each Channel
// Sees": the web shop may sell 8 of the 10 lamps, the marketplace all 10.
import { registry } from "@web/core/registry";

function pick(field, text) {
    return [
        {
            content: `Type ${text} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Choose ${text}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item:contains('${text}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("oms_channel_stock_tour", {
    steps: () => [
        {
            content: "New fence",
            trigger: ".o_list_button_add",
            run: "click",
        },
        ...pick("channel_id", "Tour Marketplace"),
        ...pick("warehouse_id", "Tour Fence DC"),
        ...pick("product_id", "Tour Fence Lamp"),
        {
            content: "A fifth of the free stock",
            trigger: ".o_field_widget[name=percent] input",
            run: "edit 20",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "See what each channel may sell",
            trigger: ".o_form_saved button[name=action_open_check]",
            run: "click",
        },
        {
            content: "The marketplace owns 2 lamps and may sell all 10",
            trigger:
                ".modal .o_oms_channel_stock_check tr:has(td:contains('Tour Marketplace')):has(td:contains('2 units')) td:nth-child(3):contains('10')",
        },
        {
            content: "The web shop may sell the other 8",
            trigger:
                ".modal .o_oms_channel_stock_check tr:has(td:contains('Tour web shop')) td:nth-child(3):contains('8')",
        },
        {
            content: "Close",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the fence",
            trigger: ".o_form_view:not(:has(.modal))",
        },
    ],
});
