from . import (
    test_carrier_failover,
    test_health_failover,
)
