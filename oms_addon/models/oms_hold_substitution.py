# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import AccessError


class OmsHoldSubstitution(models.Model):
    """A substitute in stock for a line an out-of-stock hold blocks."""

    _name = "oms.hold.substitution"
    _description = "Substitution Proposal"
    _order = "line_id, free_qty desc, id"

    hold_id = fields.Many2one(
        "oms.hold", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="hold_id.company_id", store=True, index=True)
    line_id = fields.Many2one("sale.order.line", required=True, ondelete="cascade", readonly=True)
    original_product_id = fields.Many2one(related="line_id.product_id", string="Ordered")
    product_id = fields.Many2one(
        "product.product", string="Substitute", required=True, readonly=True
    )
    free_qty = fields.Float(string="Free Quantity", digits="Product Unit of Measure", readonly=True)

    def action_accept(self):
        """Replace the line's product by this substitute (price per the channel's
        policy), then check the order again: with stock now, it is released. OMS
        users who may change the order only."""
        self.ensure_one()
        if not self.env.user.has_group("oms_addon.group_oms_user"):
            raise AccessError(self.env._("Only OMS users may accept a substitute."))
        self.check_access("read")
        self.line_id.order_id.check_access("write")
        # sudo: proposals and the re-check are the system's; the user was checked above.
        proposal = self.sudo()
        line = proposal.line_id
        order = line.order_id
        price, discount = line.price_unit, line.discount
        original = line.product_id
        line.product_id = proposal.product_id
        if order.oms_channel_id.substitute_price == "keep":
            line.write({"price_unit": price, "discount": discount})
        order.message_post(
            body=self.env._(
                "%(new)s replaces %(old)s (out of stock), accepted by %(user)s.",
                new=proposal.product_id.display_name,
                old=original.display_name,
                user=self.env.user.name,
            )
        )
        proposal.hold_id.substitution_ids.filtered(lambda p: p.line_id == line).unlink()
        order._oms_preprocess()
        return True
