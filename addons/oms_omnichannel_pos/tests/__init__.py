from . import test_store_queue
from . import test_accept_reject
from . import test_pick_pack
from . import test_handover
from . import test_reservation
from . import test_till
from . import test_stores_compete
