/** @odoo-module **/
// The OMS manager opens the control tower: each figure opens the list behind it, and the
// list holds as many records as the figure says.
import { registry } from "@web/core/registry";
import { screenshot } from "@oms_omnichannel/../tests/tours/oms_tour_screenshot";

function figureOpensItsList(key) {
    return [
        {
            content: `Open the list behind figure ${key}`,
            trigger: `.o_oms_cockpit .o_oms_figure[data-key='${key}']`,
            run() {
                const figure = document.querySelector(`.o_oms_figure[data-key='${key}']`);
                window.omsExpected = parseInt(figure.dataset.value, 10);
                if (!(window.omsExpected > 0)) {
                    throw new Error(`figure ${key} is empty: nothing to compare`);
                }
                figure.click();
            },
        },
        {
            content: `The list of figure ${key} has as many records as the figure said`,
            trigger: ".o_list_view .o_data_row",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                if (rows !== window.omsExpected) {
                    throw new Error(`figure says ${window.omsExpected}, its list shows ${rows}`);
                }
            },
        },
        {
            content: "Back to the cockpit",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Control Tower')",
            run: "click",
        },
        {
            trigger: ".o_oms_cockpit .o_oms_section[data-section='orders']",
        },
    ];
}

registry.category("web_tour.tours").add("oms_cockpit_tour", {
    steps: () => [
        {
            content: "The cockpit shows today's orders",
            trigger: ".o_oms_cockpit .o_oms_section[data-section='orders'] .o_oms_figure",
        },
        ...screenshot("control_tower_cockpit", ".o_oms_cockpit .o_oms_section[data-section='sync']"),
        ...figureOpensItsList("orders_tour-webshop_routed"),
        ...figureOpensItsList("orders_tour-webshop_all"),
        ...figureOpensItsList("backlog_TCA"),
        ...figureOpensItsList("late_to_leave_TCA"),
        ...figureOpensItsList("held_hold"),
        ...figureOpensItsList("late_not_shipped"),
        ...figureOpensItsList("stock_TCB"),
    ],
});
