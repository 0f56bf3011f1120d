from . import test_compute_proposals
from . import test_confirm_transfer
from . import test_confirm_purchase
from . import test_reject
from . import test_access_replenishment
from . import test_tour_replenishment
