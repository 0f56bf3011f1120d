from . import oms_payment_method
from . import oms_payment
from . import sale_order
from . import payment_transaction
from . import account_partial_reconcile
from . import oms_customer_message
from . import oms_intake
