from . import oms_risk_policy
from . import oms_risk_rule
from . import oms_risk_decision
from . import oms_channel
from . import sale_order
from . import oms_intake
