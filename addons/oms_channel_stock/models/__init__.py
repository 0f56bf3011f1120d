# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import oms_channel_stock_rule, oms_channel_stock, oms_channel, oms_router
