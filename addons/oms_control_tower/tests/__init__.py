from . import (
    test_carrier_failover,
    test_health_failover,
    test_shadow_replay,
    test_wave_release,
)
