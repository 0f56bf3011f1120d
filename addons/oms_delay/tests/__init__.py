from . import (
    test_access_delay,
    test_compensation,
    test_compensation_policy_config,
    test_delay_scan,
)
