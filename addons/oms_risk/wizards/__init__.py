from . import oms_risk_review_wizard
