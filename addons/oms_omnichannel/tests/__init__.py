from . import test_routing_single_source
from . import test_intake
from . import test_intake_tracking
from . import test_outbox
from . import test_export
