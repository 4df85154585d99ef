# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_delivered_at = fields.Datetime(
        string="Delivered On",
        copy=False,
        tracking=True,
        help="When the customer received the parcel: from the carrier's tracking, or set by hand.",
    )

    def action_oms_mark_delivered(self):
        """Record that the customer received these shipped deliveries."""
        if any(p.state != "done" or p.picking_type_code != "outgoing" for p in self):
            raise UserError(self.env._("Only shipped deliveries can be marked delivered."))
        self.filtered(lambda p: not p.oms_delivered_at).oms_delivered_at = fields.Datetime.now()
        return True
