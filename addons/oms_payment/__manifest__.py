{
    "name": "OMS Payment Gate",
    "summary": "Orders released to the nodes when their money is in: prepayment held with its "
    "stock reserved, reminders, automatic cancellation, payments from shops, Odoo and the bank.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_omnichannel"],
    "data": [
        "security/oms_payment_security.xml",
        "security/ir.model.access.csv",
        "data/oms_payment_method_data.xml",
        "data/ir_cron_data.xml",
        "views/oms_payment_method_views.xml",
        "views/oms_payment_views.xml",
        "views/sale_order_views.xml",
        "views/oms_payment_menus.xml",
    ],
}
