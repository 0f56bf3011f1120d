{
    "name": "OMS Returns - at the till",
    "summary": "Stores take back online orders at the till: find the order, pick the lines, "
    "pay back in cash or to the original payment; the receipt and the order show the return.",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/oms-omnichannel/oms-omnichannel",
    "author": "OMS Omnichannel contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["oms_returns", "oms_omnichannel_pos"],
    "data": ["data/product_data.xml"],
    "assets": {
        "point_of_sale._assets_pos": ["oms_returns_pos/static/src/**/*"],
        "web.assets_tests": ["oms_returns_pos/static/tests/tours/**/*"],
    },
}
