# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    oms_transit_days = fields.Integer(
        string="Transit Days",
        default=3,
        help="Usual number of days between pickup and delivery; used to choose a "
        "carrier by speed and to flag late shipments.",
    )
    oms_method_codes = fields.Char(
        string="Channel Method Codes",
        help="Comma-separated shipping method codes channels send for this carrier "
        "(e.g. 'standard, std, ground'); its name matches too.",
    )

    def _oms_method_keys(self):
        """The lower-case method names a channel may use for this carrier."""
        self.ensure_one()
        codes = (self.oms_method_codes or "").split(",")
        return {key.strip().lower() for key in [self.name, *codes] if key.strip()}
