# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class OmsChannel(models.Model):
    """A sales channel: where orders come from and how they are taken in."""

    _name = "oms.channel"
    _description = "Sales Channel"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code, used in API URLs: /oms/v1/channels/<code>/orders.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    channel_type = fields.Selection(
        selection=[
            ("web", "Web Shop"),
            ("marketplace", "Marketplace"),
            ("phone", "Phone"),
            ("store", "Store"),
            ("b2b", "B2B"),
            ("api", "API"),
            ("csv", "CSV / Spreadsheet"),
        ],
        string="Type",
        required=True,
        default="api",
        tracking=True,
        help="Channel connectors add their own types.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        help="Currency of the channel's orders when a message does not say one.",
    )
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        domain="[('share', '=', False)]",
        check_company=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Default Warehouse",
        check_company=True,
        help="Used when no sourcing rule decides otherwise.",
    )
    invoice_policy = fields.Selection(
        selection=[
            ("product", "As set on products"),
            ("order", "Ordered quantities"),
            ("delivery", "Delivered quantities"),
        ],
        default="product",
        required=True,
    )
    color = fields.Integer()

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A channel code must be unique."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id and not self.currency_id:
            self.currency_id = self.company_id.currency_id
