# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    oms_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Source Warehouse",
        copy=False,
        check_company=True,
        help="Where sourcing decided this line ships from; each warehouse makes its own delivery.",
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
