/** @odoo-module **/
// The control tower's cockpit: the server's figures (oms.tower.dashboard.get_cockpit),
// refreshed when Odoo's bus says something changed; each figure opens the list behind it.

import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

// Many changes arrive in bursts (a batch of orders): refresh at most this often.
const REFRESH_MS = 2000;

export class OmsCockpit extends Component {
    static template = "oms_control_tower.Cockpit";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.busService = useService("bus_service");
        this.state = useState({ data: null, refreshing: false });
        this.timer = null;
        this.onChanged = () => this.scheduleRefresh();
        onWillStart(async () => {
            await this.load();
            this.busService.subscribe("oms_control_tower/changed", this.onChanged);
            this.busService.start();
        });
        onWillUnmount(() => {
            this.busService.unsubscribe("oms_control_tower/changed", this.onChanged);
            clearTimeout(this.timer);
        });
    }

    async load() {
        this.state.refreshing = true;
        try {
            this.state.data = await this.orm.call("oms.tower.dashboard", "get_cockpit", []);
        } finally {
            this.state.refreshing = false;
        }
    }

    scheduleRefresh() {
        if (this.timer) {
            return;
        }
        this.timer = setTimeout(async () => {
            this.timer = null;
            await this.load();
        }, REFRESH_MS);
    }

    openFigure(figure) {
        const { res_model, domain, name } = figure.action;
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model,
            domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    toneClass(figure) {
        return figure.tone ? `o_oms_tone_${figure.tone}` : "";
    }
}

registry.category("actions").add("oms_control_tower.cockpit", OmsCockpit);
