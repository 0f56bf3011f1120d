/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onWillUnmount, useRef } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/** The parcel's label PDF, shown in the till, with a button to print it. */
export class OmsLabelDialog extends Component {
    static template = "oms_omnichannel_pos.LabelDialog";
    static components = { Dialog };
    static props = { title: String, pdf: String, close: Function };

    setup() {
        const bytes = Uint8Array.from(atob(this.props.pdf), (c) => c.charCodeAt(0));
        this.url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
        this.frame = useRef("frame");
        onWillUnmount(() => URL.revokeObjectURL(this.url));
    }

    print() {
        this.frame.el.contentWindow.print();
    }
}
