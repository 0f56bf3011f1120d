from . import oms_node_failover_wizard, oms_reroute_wizard
from . import oms_order_change_wizard, oms_order_change_wizard_line
