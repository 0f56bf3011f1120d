from . import oms_compensation_policy
from . import oms_channel
from . import stock_picking
from . import oms_delivery_delay
from . import oms_compensation
from . import oms_delay_scan
from . import sale_order
from . import oms_customer_message
