from odoo import fields, models


class OmsWeekday(models.Model):
    """A day of the week, so nodes and carriers can say on which days they work.

    Seven fixed records (data/oms_weekday_data.xml); many2many checkboxes in forms read better
    than seven booleans per model.
    """

    _name = "oms.weekday"
    _description = "Weekday"
    _order = "number"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="mon, tue, ... as used by the engine.")
    number = fields.Integer(required=True, help="0 = Monday ... 6 = Sunday (Python's weekday()).")

    _sql_constraints = [
        ("number_unique", "unique(number)", "Each weekday exists once."),
    ]

    def _default_working_days(self):
        """Monday to Friday: what a new node or carrier works unless told otherwise."""
        return self.search([("number", "<", 5)])
