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
