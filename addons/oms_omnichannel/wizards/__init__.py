from . import oms_node_failover_wizard, oms_reroute_wizard
