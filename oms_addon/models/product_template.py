# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # Odoo Community has weight and volume but no outer dimensions; box selection
    # needs them.
    oms_length = fields.Float(string="Length", help="Outer length of one unit.")
    oms_width = fields.Float(string="Width", help="Outer width of one unit.")
    oms_height = fields.Float(string="Height", help="Outer height of one unit.")
    length_uom_name = fields.Char(compute="_compute_length_uom_name")
    oms_substitute_ids = fields.Many2many(
        "product.product",
        "oms_product_substitute_rel",
        "template_id",
        "product_id",
        string="Substitutes",
        help="Offered instead of this product when it is out of stock everywhere an "
        "order may be sourced from.",
    )

    def _compute_length_uom_name(self):
        name = self._get_length_uom_name_from_ir_config_parameter()
        for template in self:
            template.length_uom_name = name
