# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    oms_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Source Warehouse",
        copy=False,
        domain="[('company_id', '=', company_id)]",
        help="Where sourcing decided this line ships from; each warehouse makes its own delivery.",
    )

    @api.constrains("oms_warehouse_id")
    def _check_oms_warehouse_company(self):
        # Instead of check_company, whose check per record would cost more than
        # sourcing itself when a batch of orders is sourced.
        for line in self:
            if line.oms_warehouse_id and line.oms_warehouse_id.company_id != line.company_id:
                raise ValidationError(
                    self.env._(
                        "%(warehouse)s belongs to another company than order %(order)s.",
                        warehouse=line.oms_warehouse_id.display_name,
                        order=line.order_id.name,
                    )
                )

    @api.depends("oms_warehouse_id")
    def _compute_warehouse_id(self):
        # The stock rules follow the line's warehouse: one delivery per warehouse.
        result = super()._compute_warehouse_id()
        for line in self.filtered("oms_warehouse_id"):
            line.warehouse_id = line.oms_warehouse_id
        return result

    def _oms_split(self, shares):
        """Divide this line between warehouses: [(warehouse id, quantity in the
        product's unit)], the first share staying on this line."""
        self.ensure_one()
        to_line_uom = self.product_id.uom_id._compute_quantity
        (warehouse_id, quantity), *others = shares
        self.write(
            {
                "oms_warehouse_id": warehouse_id,
                "product_uom_qty": to_line_uom(quantity, self.product_uom),
            }
        )
        for warehouse_id, quantity in others:
            self.copy(
                {
                    "order_id": self.order_id.id,
                    "oms_warehouse_id": warehouse_id,
                    "product_uom_qty": to_line_uom(quantity, self.product_uom),
                    "price_unit": self.price_unit,
                    "discount": self.discount,
                }
            )
