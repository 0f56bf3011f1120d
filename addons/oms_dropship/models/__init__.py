from . import (
    oms_dropship_delivery,
    oms_dropship_delivery_label,
    oms_dropship_stock_feed,
    oms_router,
    oms_routing_decision,
    oms_routing_explanation,
    res_users,
    stock_move,
    stock_picking,
    stock_warehouse,
)
