from . import res_company
from . import oms_replenishment_input
from . import oms_replenishment_planner
from . import oms_replenishment_proposal
from . import oms_replenishment_proposal_line
