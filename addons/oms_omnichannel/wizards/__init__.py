from . import oms_reroute_wizard
from . import oms_node_failover_wizard
