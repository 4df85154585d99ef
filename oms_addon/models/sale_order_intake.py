# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What an order keeps of the message it was made from when a person corrected
that message: who, which version, and whether the payment came from the correction
(then the payment check waits for a manager)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

# Set by the intake when it creates the order; nobody changes them afterwards.
CORRECTION_FIELDS = {
    "oms_intake_version_id",
    "oms_corrected_by_id",
    "oms_payment_from_correction",
}


class SaleOrder(models.Model):
    # One file per capability of the model (STYLE.md), not one class for all.
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    oms_intake_version_id = fields.Many2one(
        "oms.intake.version",
        string="Made From Correction",
        copy=False,
        readonly=True,
        help="The corrected version of the channel's message this order was made from.",
    )
    oms_corrected_by_id = fields.Many2one(
        "res.users",
        string="Message Corrected By",
        copy=False,
        readonly=True,
        help="Who corrected the channel's message this order was made from.",
    )
    oms_payment_from_correction = fields.Boolean(
        string="Payment From Correction",
        copy=False,
        readonly=True,
        help="The payment status or amount differs from what the channel sent: it was "
        "changed by a correction, so the payment check waits for a manager's release.",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(set(vals) & CORRECTION_FIELDS for vals in vals_list):
            raise AccessError(self.env._("Only the intake says an order comes from a correction."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) & CORRECTION_FIELDS:
            raise AccessError(
                self.env._("Where an order's message was corrected is history: it stays.")
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Payment check
    # ------------------------------------------------------------------
    def _oms_payment_review_reason(self):
        """A payment that a correction changed is not trusted until an OMS manager
        released a payment hold of the order (see ``oms.hold.action_release``)."""
        reason = super()._oms_payment_review_reason()
        if reason or not self.oms_payment_from_correction:
            return reason
        released = self.oms_hold_ids.filtered(
            lambda hold: (
                hold.hold_type_id.check == "payment"
                and hold.released_by_id
                and hold.released_by_id.has_group("oms_addon.group_oms_manager")
            )
        )
        if released:
            return False
        return self.env._(
            "The payment (%(status)s, %(amount)s) comes from a correction of the channel's "
            "message by %(who)s, not from the channel: an OMS manager checks the payment "
            "and releases this hold.",
            status=self.oms_payment_status,
            amount=self.oms_payment_amount,
            who=self.oms_corrected_by_id.name or "?",
        )
