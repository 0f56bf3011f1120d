/** @odoo-module **/
// Customer service takes an order by phone in the Omnichannel app: a new order with the phone
// channel preset, a new customer created on the fly, the network's stock and the arrival
// date read out before confirming, then the routing after confirming.
// Steps named "Screenshot: ..." are answered by the test (tests/tour_common.py).
import { registry } from "@web/core/registry";
import { screenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

registry.category("web_tour.tours").add("oms_phone_order_tour", {
    steps: () => [
        {
            content: "A new order from the Omnichannel orders",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The phone channel is preset",
            trigger: ".o_field_widget[name=oms_channel_id] input:value(Phone orders)",
        },
        {
            content: "Type the caller's name: a new customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Maria Schneider",
        },
        {
            content: "Create the customer with an address",
            trigger: ".o-autocomplete--dropdown-item a:contains('Create and edit')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=street] input",
            run: "edit Torstr. 12",
        },
        {
            trigger: ".modal .o_field_widget[name=zip] input",
            run: "edit 10119",
        },
        {
            trigger: ".modal .o_field_widget[name=city] input",
            run: "edit Berlin",
        },
        {
            trigger: ".modal .o_field_widget[name=country_id] input",
            run: "edit Germany",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item a:contains('Germany')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=country_id] input:value(Germany)",
        },
        {
            content: "Save the customer",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input:value(Maria Schneider)",
        },
        {
            content: "Add the product the caller wants",
            trigger: ".o_field_x2many_list_row_add a:contains('Add a product')",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=product_template_id] input",
            run: "edit Tour kettle",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour kettle')",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 2",
        },
        {
            content: "Before confirming, the line says what the network has and when it arrives",
            trigger:
                ".o_selected_row .o_data_cell[name=oms_promise_text]" +
                ":contains('15 available in the network, arrives')",
        },
        {
            content: "The banner says how it would ship",
            trigger:
                ".o_oms_preview_banner:contains('If you confirm now'):contains('ships in 1')" +
                ":contains('Tour Kettle DC')",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('S0')",
        },
        ...screenshot(
            "phone_order_before_confirming",
            ".o_data_row .o_data_cell[name=oms_promise_text]:contains('arrives')"
        ),
        {
            content: "Confirm",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is routed: one package, with its promised date",
            trigger: ".o_oms_routing_banner:contains('Ships in'):contains('promised by')",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_notebook .nav-link[name=oms_fulfilment]",
            run: "click",
        },
        {
            content: "The decision is explained, and its delivery listed",
            trigger:
                ".o_oms_explanation:contains('Tour Kettle DC')" +
                ":not(:has(.o_field_empty))",
        },
        ...screenshot(
            "phone_order_routed",
            ".o_field_widget[name=picking_ids] .o_data_cell:contains('TKD/OUT')"
        ),
        {
            content: "Open the routing decision from the smart button",
            trigger: ".o_form_view .oe_stat_button:contains('Routing')",
            run: "click",
        },
        {
            content: "The order's routing history opens (not the form's own list)",
            trigger: ".o_breadcrumb .active:contains('Routing History')",
        },
        {
            content: "Open the decision",
            trigger: ".o_list_view .o_data_row:contains('Order confirmed') .o_data_cell[name=trigger]",
            run: "click",
        },
        ...screenshot(
            "routing_decision",
            ".o_form_view .o_field_widget[name=explanation_html]:contains('Tour Kettle DC')"
        ),
    ],
});
