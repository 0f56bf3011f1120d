from . import test_store_queue
from . import test_accept_reject
