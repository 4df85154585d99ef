# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What a person may change on a hold: the note. The rest changes through the
# checks (which put and release holds) and ``action_release``.
USER_WRITABLE_FIELDS = {"release_note"}


class OmsHold(models.Model):
    """An order held back from fulfilment, with the reason and who released it."""

    _name = "oms.hold"
    _description = "Order Hold"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    hold_type_id = fields.Many2one("oms.hold.type", required=True, readonly=True)
    reason = fields.Text(readonly=True)
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")],
        default="active",
        required=True,
        index=True,
        readonly=True,
    )
    released_by_id = fields.Many2one("res.users", readonly=True)
    released_at = fields.Datetime(readonly=True)
    release_note = fields.Char()
    can_release = fields.Boolean(compute="_compute_can_release")
    substitution_ids = fields.One2many(
        "oms.hold.substitution", "hold_id", string="Substitutes in Stock", readonly=True
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("state", "hold_type_id.release_group_id")
    @api.depends_context("uid")
    def _compute_can_release(self):
        user = self.env.user
        for hold in self:
            hold.can_release = (
                hold.state == "active" and hold.hold_type_id.release_group_id in user.groups_id
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # A hold put by hand starts active, released by nobody.
            for vals in vals_list:
                if vals.get("state", "active") != "active" or vals.get("released_by_id"):
                    raise AccessError(self.env._("A new hold is active; release it with Release."))
                if vals.get("released_at"):
                    raise AccessError(self.env._("A new hold is active; release it with Release."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - USER_WRITABLE_FIELDS:
            raise AccessError(
                self.env._(
                    "A hold changes through its check or the Release button, which records "
                    "who released it and when."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_release(self):
        """Release by hand: checks the user's right, records who and when, and
        confirms the orders left without a blocking hold."""
        self.check_access("read")
        for hold in self:
            if hold.state != "active":
                raise UserError(self.env._("This hold is already released."))
            if not hold.can_release:
                raise AccessError(
                    self.env._(
                        "Only members of %(group)s may release a %(type)s hold.",
                        group=hold.hold_type_id.release_group_id.display_name,
                        type=hold.hold_type_id.name,
                    )
                )
        # sudo: the right to release was checked just above, per hold type; what
        # follows (confirming the order) is the system's work, as in the cron.
        self.sudo()._release(self.env.user)
        self.sudo().order_id._oms_release_if_clear()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _release(self, user=None, note=None):
        """Mark released by ``user`` (None: the system, its check passed again)."""
        vals = {"state": "released", "released_at": fields.Datetime.now()}
        if user:
            vals["released_by_id"] = user.id
        if note:
            vals["release_note"] = note
        # sudo: the one transition of a hold's state; callers checked who may.
        self.sudo().write(vals)
        for hold in self:
            hold.order_id.message_post(
                body=self.env._(
                    "Hold %(type)s released by %(who)s.",
                    type=hold.hold_type_id.name,
                    who=user.name if user else self.env._("its check"),
                )
            )

    def _propose_substitutes(self, batch=None):
        """For an out-of-stock hold: the substitutes of each short line that stock can
        serve, each one click away (see oms.hold.substitution). ``batch``: the
        pre-processing batch whose stock the order was checked against."""
        self.ensure_one()
        order = self.order_id
        short = order._oms_short_products(batch)
        if self.substitution_ids:
            self.substitution_ids.sudo().unlink()
        lines = order.order_line.filtered(lambda line: line.product_id in short)
        candidates = lines.product_id.product_tmpl_id.oms_substitute_ids
        free = order._oms_free_quantities(candidates, batch) if candidates else {}
        proposals = []
        for line in lines:
            for substitute in line.product_id.product_tmpl_id.oms_substitute_ids:
                if free.get(substitute.id, 0.0) >= line.product_uom_qty:
                    proposals.append(
                        {
                            "hold_id": self.id,
                            "line_id": line.id,
                            "product_id": substitute.id,
                            "free_qty": free[substitute.id],
                        }
                    )
        # sudo: proposals are the system's; users accept them (action_accept).
        return self.env["oms.hold.substitution"].sudo().create(proposals)
