# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError


class StoreRefusal(UserError):
    """A till's call the OMS turns down for a reason the store staff can act on (the order
    moved on, another till was faster, a wrong item was scanned). The POS door answers it as
    a refusal with this message instead of an error."""
