# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_channel_id = fields.Many2one(
        "oms.channel",
        string="Sales Channel",
        index=True,
        tracking=True,
        check_company=True,
        help="Where the order came from. Phone and store orders entered here are OMS "
        "orders like any other.",
    )
