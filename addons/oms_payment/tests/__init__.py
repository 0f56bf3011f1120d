from . import (
    test_access_payment,
    test_payment_methods,
    test_payment_sources,
    test_prepayment,
    test_reminders,
)
