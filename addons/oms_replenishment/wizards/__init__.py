from . import oms_replenishment_reject
