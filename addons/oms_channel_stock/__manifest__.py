{
    "name": "OMS Omnichannel - Ring-fenced Channel Stock",
    "summary": "A channel owns part of a node's stock (units or a share, per product or "
    "category): sellable stock, the checkout projection and routing respect it until it is "
    "handed back.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel"],
    "data": [
        "security/ir.model.access.csv",
        "security/oms_channel_stock_security.xml",
        "data/ir_cron_data.xml",
        "wizards/oms_channel_stock_check_views.xml",
        "views/oms_channel_stock_rule_views.xml",
    ],
    "demo": [
        "demo/oms_channel_stock_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "oms_channel_stock/static/tests/tours/*.js",
        ],
    },
}
