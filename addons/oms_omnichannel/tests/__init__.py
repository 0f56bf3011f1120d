from . import (
    test_access_customer_messages,
    test_access_integration_user,
    test_access_store_assignment,
    test_access_store_staff,
    test_access_sync_doors,
    test_address_change,
    test_chatter,
    test_click_collect,
    test_confirmation_cost,
    test_customer_messages,
    test_concurrency,
    test_consumables,
    test_dangerous_bulky,
    test_explanations,
    test_export,
    test_failover,
    test_intake,
    test_intake_access,
    test_intake_tracking,
    test_multi_company,
    test_multi_step,
    test_network_cache,
    test_node_signal,
    test_order_overview,
    test_order_preview,
    test_outbox,
    test_outbox_cursor,
    test_partial_availability,
    test_pickup_failover,
    test_promise_dates,
    test_quantity_change,
    test_refund_intake,
    test_refund_routed,
    test_release_gate,
    test_routing_single_source,
    test_routing_split,
    test_routing_state,
    test_sellable_stock,
    test_tour_failover,
    test_tour_order_routing,
    test_tour_phone_order,
    test_tour_pickup_failover,
    test_tour_store_staff,
    test_unit_of_measure,
)
from . import test_refund_request
from . import test_order_cancel
from . import test_order_change_address
from . import test_order_change_mode
from . import test_order_change_quantity
from . import test_shop_order_updates
from . import test_change_concurrency
from . import test_customer_service_doors
from . import test_tour_order_change
from . import test_order_change_wizard
from . import test_upgrade_access
from . import test_location_node_map
from . import test_network_versions
from . import test_outbox_stock_nodes
from . import test_routing_same_plans
from . import test_sellable_stock_query
