{
    "name": "OMS Delays and Compensation",
    "summary": "Every open parcel watched against its promise: the customer told of a delay "
    "before they ask, customer service asked when configured, and a broken promise "
    "compensated - the express fee back through the shop, a voucher by e-mail.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel", "loyalty"],
    "external_dependencies": {"python": ["oms-omnichannel"]},
    "data": [
        "security/oms_delay_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/oms_compensation_policy_views.xml",
        "views/oms_delivery_delay_views.xml",
        "views/oms_compensation_views.xml",
        "views/oms_channel_views.xml",
        "views/stock_picking_views.xml",
        "views/sale_order_views.xml",
        "views/oms_delay_menus.xml",
    ],
}
