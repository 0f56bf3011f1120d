{
    "name": "OMS Replenishment Proposals",
    "summary": "Transfers and purchases that bring stock closer to the demand the OMS has "
    "seen, each saying why and what it saves on a replay of the last weeks' orders; the back "
    "office confirms them into Odoo's own transfers and reordering rules.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Inventory/Inventory",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel"],
    "external_dependencies": {"python": ["oms-omnichannel"]},
    "data": [
        "security/oms_replenishment_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "wizards/oms_replenishment_reject_views.xml",
        "views/oms_replenishment_proposal_views.xml",
        "views/res_company_views.xml",
        "views/oms_replenishment_menus.xml",
    ],
    "demo": ["demo/oms_replenishment_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "oms_replenishment/static/tests/tours/*.js",
        ],
    },
}
