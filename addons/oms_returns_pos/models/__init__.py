from . import oms_return_pos
