{
    "name": "OMS Omnichannel - Drop-ship Supplier Portal",
    "summary": "Drop-ship suppliers work the deliveries routed to them in Odoo's portal: "
    "accept or turn down, ship with tracking (partly too), upload their stock; SLA watched.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel", "portal"],
    "post_init_hook": "post_init_hook",
    "data": [
        "security/ir.model.access.csv",
        "security/oms_dropship_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/oms_dropship_delivery_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_warehouse_views.xml",
        "views/portal_templates.xml",
        "views/portal_stock_templates.xml",
        "views/portal_api_key_templates.xml",
    ],
    "demo": [
        "demo/oms_dropship_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "oms_dropship/static/tests/tours/*.js",
        ],
    },
}
