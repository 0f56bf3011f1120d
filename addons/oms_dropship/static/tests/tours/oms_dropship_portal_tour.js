/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A drop-ship supplier in the portal: opens the delivery waiting for them, accepts it, ships
// one of the two lamps with a carrier and tracking number, and finds the other still to ship
// (tests/test_tour_portal.py builds the order and checks the result in Odoo).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oms_dropship_portal_tour", {
    steps: () => [
        {
            content: "The delivery waits for the supplier's answer",
            trigger: ".o_oms_dropship_row:contains('Waiting for your answer') a.o_oms_dropship_link",
            run: "click",
        },
        {
            content: "Where it goes: the customer's shipping address and phone",
            trigger: ".o_oms_dropship_address:contains('Torstr. 1'):contains('+49 30 1234 5678')",
        },
        {
            content: "Accept it",
            trigger: "button.o_oms_dropship_accept",
            run: "click",
        },
        {
            content: "Accepted: it is to ship now",
            trigger: ".o_oms_dropship_state:contains('To ship')",
        },
        {
            content: "Ship one lamp of two",
            trigger: ".o_oms_dropship_ship_form input[name^='qty_']",
            run: "edit 1",
        },
        {
            content: "Choose the carrier",
            trigger: ".o_oms_dropship_ship_form select[name=carrier_id]",
            run: "selectByLabel Parcel",
        },
        {
            content: "Type the tracking number",
            trigger: ".o_oms_dropship_ship_form input[name=tracking_ref]",
            run: "edit TOUR-1Z42",
        },
        {
            content: "Mark shipped",
            trigger: "button.o_oms_dropship_ship",
            run: "click",
        },
        {
            content: "Shipped, with its tracking number",
            trigger: ".o_oms_dropship_message:contains('Shipped')",
        },
        {
            trigger: ".o_oms_dropship_state:contains('Shipped')",
        },
        {
            trigger: "p:contains('TOUR-1Z42')",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb a[href='/my/dropship']",
            run: "click",
        },
        {
            content: "The other lamp is still to ship",
            trigger: ".o_oms_dropship_row:contains('To ship'):contains('1 x [LAMP-1] Floor Lamp')",
        },
    ],
});
