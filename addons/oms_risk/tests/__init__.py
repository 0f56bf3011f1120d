from . import (
    test_access_risk,
    test_risk_policy_config,
    test_risk_prepayment,
    test_risk_reasons,
    test_risk_review,
    test_tour_risk_review,
)
