/** @odoo-module */
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/** Why the store turns an order (or missing items) down: a reason of the list, and a note. */
export class OmsRejectDialog extends Component {
    static template = "oms_omnichannel_pos.RejectDialog";
    static components = { Dialog };
    static props = {
        title: String,
        reasons: Array,
        confirmLabel: { type: String, optional: true },
        explanation: { type: String, optional: true },
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ reasonId: null, note: "" });
    }

    confirm() {
        this.props.getPayload({ reasonId: this.state.reasonId, note: this.state.note.trim() });
        this.props.close();
    }
}
