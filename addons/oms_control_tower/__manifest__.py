{
    "name": "OMS Control Tower",
    "summary": "A live cockpit of every channel, node, payment and shop; automatic failover "
    "from health signals; wave release with batch re-optimisation; shadow replay of "
    "sourcing-policy changes.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["oms_omnichannel", "resource", "bus"],
    # highspy: the engine's batch re-optimisation of a wave (oms_engine.batch).
    "external_dependencies": {"python": ["oms-omnichannel", "highspy"]},
    "data": [
        "security/oms_control_tower_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/oms_health_status_views.xml",
        "views/oms_health_event_views.xml",
        "views/stock_warehouse_views.xml",
        "views/delivery_carrier_views.xml",
        "views/res_company_views.xml",
        "views/oms_channel_views.xml",
        "views/oms_wave_views.xml",
        "views/stock_picking_views.xml",
        "views/oms_sync_health_views.xml",
        "views/oms_policy_replay_views.xml",
        "views/oms_sourcing_policy_views.xml",
        "views/oms_control_tower_actions.xml",
        "views/oms_control_tower_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "oms_control_tower/static/src/cockpit/*",
        ],
        "web.assets_tests": [
            "oms_control_tower/static/tests/tours/*.js",
        ],
    },
}
