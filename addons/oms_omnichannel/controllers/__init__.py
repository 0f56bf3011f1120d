from . import oms_channel_logo
