from . import test_till_return
from . import test_access_till_return
from . import test_tour_till_return
