from . import oms_return_wizard
from . import oms_return_wizard_line
