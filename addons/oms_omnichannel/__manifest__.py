{
    "name": "OMS Omnichannel",
    "summary": "Every warehouse, store and drop-ship partner as one stock pool: "
    "orders from every channel routed to the places that should ship them.",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["sale_stock", "stock_delivery"],
    "external_dependencies": {"python": ["oms-omnichannel"]},
    "data": [
        "security/oms_outbox_access.xml",
        "data/oms_weekday_data.xml",
        "data/oms_sourcing_policy_data.xml",
        "data/ir_cron_data.xml",
        "wizards/oms_reroute_wizard_views.xml",
        "wizards/oms_node_failover_wizard_views.xml",
        "data/oms_outbox_cron.xml",
    ],
    "demo": [],
}
