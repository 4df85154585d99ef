# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class OmsHoldSubstitution(models.Model):
    """A substitute in stock for a line an out-of-stock hold blocks."""

    _name = "oms.hold.substitution"
    _description = "Substitution Proposal"
    _order = "line_id, free_qty desc, id"

    hold_id = fields.Many2one("oms.hold", required=True, index=True, ondelete="cascade")
    line_id = fields.Many2one("sale.order.line", required=True, ondelete="cascade")
    original_product_id = fields.Many2one(related="line_id.product_id", string="Ordered")
    product_id = fields.Many2one("product.product", string="Substitute", required=True)
    free_qty = fields.Float(string="Free Quantity", digits="Product Unit of Measure")

    def action_accept(self):
        """Replace the line's product by this substitute (price per the channel's
        policy), then check the order again: with stock now, it is released."""
        self.ensure_one()
        line = self.line_id
        order = line.order_id
        price, discount = line.price_unit, line.discount
        original = line.product_id
        line.product_id = self.product_id
        if order.oms_channel_id.substitute_price == "keep":
            line.write({"price_unit": price, "discount": discount})
        order.message_post(
            body=self.env._(
                "%(new)s replaces %(old)s (out of stock), accepted by %(user)s.",
                new=self.product_id.display_name,
                old=original.display_name,
                user=self.env.user.name,
            )
        )
        self.hold_id.substitution_ids.filtered(lambda p: p.line_id == line).unlink()
        order._oms_preprocess()
        return True
