from odoo import fields, models

DANGEROUS_GOODS_CLASSES = [
    ("1", "1 - Explosives"),
    ("2", "2 - Gases"),
    ("3", "3 - Flammable liquids"),
    ("4", "4 - Flammable solids"),
    ("5", "5 - Oxidisers and organic peroxides"),
    ("6", "6 - Toxic and infectious substances"),
    ("7", "7 - Radioactive material"),
    ("8", "8 - Corrosives"),
    ("9", "9 - Miscellaneous (e.g. lithium batteries)"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    oms_dangerous_class = fields.Selection(
        DANGEROUS_GOODS_CLASSES,
        string="Dangerous Goods Class",
        help="UN class. Such products ship only from certified nodes, "
        "with carriers that accept dangerous goods.",
    )
    oms_is_bulky = fields.Boolean(
        string="Bulky",
        help="Ships only from nodes and with carriers that handle bulky goods, "
        "within the policy's distance limit.",
    )
