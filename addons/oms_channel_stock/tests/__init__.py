# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import (
    test_access_rules,
    test_consumption,
    test_export_fences,
    test_release,
    test_routing_fences,
    test_rule_input,
    test_sellable_fences,
    test_tour_channel_stock,
)
