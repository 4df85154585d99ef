# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class OmsHoldType(models.Model):
    """A kind of hold: which check raises it, who may release it, and whether it
    releases itself once its check passes again."""

    _name = "oms.hold.type"
    _description = "Hold Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Used by the checks that raise this hold.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    check = fields.Selection(
        [
            ("payment", "Payment"),
            ("address", "Address"),
            ("availability", "Availability"),
            ("fraud", "Fraud"),
            ("sourcing", "Sourcing"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
        help="The check that puts this hold on an order.",
    )
    release_group_id = fields.Many2one(
        "res.groups",
        string="Released By",
        required=True,
        default=lambda self: self.env.ref("oms_addon.group_oms_manager"),
        help="Members of this group may release the hold by hand.",
    )
    auto_release = fields.Boolean(
        string="Releases Itself",
        help="Released automatically when its check passes again (payment captured, "
        "stock received).",
    )
    description = fields.Text(translate=True, help="What the person releasing it should check.")

    _sql_constraints = [("code_uniq", "unique(code)", "A hold type code must be unique.")]
