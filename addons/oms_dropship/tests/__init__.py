from . import (
    test_access_doors,
    test_accept,
    test_api_key_doors,
    test_label,
    test_offer_mail,
    test_reject,
    test_ship,
    test_sla,
    test_stock_feed,
    test_supplier_api,
    test_tour_portal,
)
