{
    "name": "OMS Risk Check",
    "summary": "Every order scored against its channel's risk rules: passed, prepayment "
    "required, or held for a person to approve or reject, with the reasons written down.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["oms_payment"],
    "external_dependencies": {"python": ["oms-omnichannel"]},
    "data": [
        "security/oms_risk_security.xml",
        "security/ir.model.access.csv",
        "wizards/oms_risk_review_wizard_views.xml",
        "views/oms_risk_policy_views.xml",
        "views/oms_risk_decision_views.xml",
        "views/sale_order_views.xml",
        "views/oms_channel_views.xml",
        "views/oms_risk_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "oms_risk/static/tests/tours/*.js",
        ],
    },
}
