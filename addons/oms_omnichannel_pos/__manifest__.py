{
    "name": "OMS Omnichannel - Stores in Point of Sale",
    "summary": "Stores run their omnichannel orders from Odoo POS: queue, accept or reject, "
    "pick and pack, click & collect hand-over, reserve in store, endless aisle.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel", "point_of_sale", "pos_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/oms_pos_security.xml",
        "data/oms_store_reject_reason_data.xml",
        "data/ir_cron_data.xml",
        "views/oms_store_order_views.xml",
        "views/oms_store_reject_reason_views.xml",
        "views/oms_store_performance_views.xml",
        "views/stock_warehouse_views.xml",
        "views/sale_order_views.xml",
        "views/res_company_views.xml",
        "views/oms_channel_views.xml",
        "views/oms_menus.xml",
    ],
    "demo": [
        "demo/pos_config_demo.xml",
        "demo/res_users_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "oms_omnichannel_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "oms_omnichannel_pos/static/tests/tours/**/*",
        ],
    },
}
