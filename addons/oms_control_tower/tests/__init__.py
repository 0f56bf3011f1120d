from . import (
    test_access_tower,
    test_cockpit,
    test_carrier_failover,
    test_health_failover,
    test_shadow_replay,
    test_tour_control_tower,
    test_wave_release,
)
