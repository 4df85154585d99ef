# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OMS fields of a sale order, its stage, and the gate every confirmation
passes. Pre-processing (checks, holds) and sourcing have their own files."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.canonical import PAYMENT_STATUSES

# Who may see an order's holds, substitutes and sourcing history: OMS staff. A
# sales user without OMS rights still opens every order and sees its OMS stage.
OMS_USER = "oms_addon.group_oms_user"
OMS_STAGES = [
    ("received", "Received"),
    ("on_hold", "On Hold"),
    ("released", "Released"),
    ("in_fulfilment", "In Fulfilment"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("returned_partly", "Partly Returned"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    oms_channel_id = fields.Many2one(
        "oms.channel",
        string="Sales Channel",
        index=True,
        tracking=True,
        check_company=True,
        help="Where the order came from. Phone and store orders entered here are OMS "
        "orders like any other.",
    )
    oms_channel_ref = fields.Char(
        string="Channel Reference",
        copy=False,
        index=True,
        tracking=True,
        help="The order's reference on its channel; an order exists once per channel.",
    )
    oms_intake_id = fields.Many2one("oms.intake", string="Intake", copy=False, readonly=True)
    oms_payment_status = fields.Selection(
        list(PAYMENT_STATUSES.items()), string="Payment Status", copy=False, tracking=True
    )
    oms_payment_method = fields.Char(string="Payment Method", copy=False)
    oms_payment_amount = fields.Monetary(string="Amount Paid", copy=False)
    oms_payment_ref = fields.Char(string="Payment Reference", copy=False)
    oms_gift_message = fields.Text(string="Gift Message")
    oms_is_vip = fields.Boolean(string="VIP")
    oms_is_gift = fields.Boolean(string="Gift")
    oms_is_priority = fields.Boolean(string="Priority")
    oms_stage = fields.Selection(
        OMS_STAGES,
        string="OMS Stage",
        compute="_compute_oms_stage",
        store=True,
        index=True,
        help="Where the order stands, derived from the order and its deliveries.",
    )

    oms_hold_ids = fields.One2many(
        "oms.hold", "order_id", string="Holds", readonly=True, groups=OMS_USER
    )
    oms_substitution_ids = fields.One2many(
        "oms.hold.substitution",
        compute="_compute_oms_substitution_ids",
        string="Substitutes",
        groups=OMS_USER,
    )
    oms_has_substitutes = fields.Boolean(compute="_compute_oms_substitution_ids", groups=OMS_USER)
    oms_on_hold = fields.Boolean(
        string="On Hold", compute="_compute_oms_on_hold", store=True, index=True
    )
    oms_sourcing_decision_ids = fields.One2many(
        "oms.sourcing.decision",
        "order_id",
        string="Sourcing Decisions",
        readonly=True,
        groups=OMS_USER,
    )
    oms_sourcing_decision_id = fields.Many2one(
        "oms.sourcing.decision",
        string="Sourcing Decision",
        compute="_compute_oms_sourcing_decision_id",
        store=True,
        groups=OMS_USER,
        help="The latest sourcing decision.",
    )
    oms_sourcing_rule_id = fields.Many2one(
        related="oms_sourcing_decision_id.rule_id",
        string="Sourcing Rule",
        store=True,
        groups=OMS_USER,
    )
    oms_sourcing_reason = fields.Selection(
        related="oms_sourcing_decision_id.reason",
        string="Sourcing Outcome",
        store=True,
        groups=OMS_USER,
    )
    oms_sourcing_explanation = fields.Text(
        related="oms_sourcing_decision_id.explanation",
        string="Why These Warehouses",
        groups=OMS_USER,
    )

    _sql_constraints = [
        (
            "oms_channel_ref_uniq",
            "unique(oms_channel_id, oms_channel_ref)",
            "This channel already has an order with that reference.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("oms_hold_ids.substitution_ids", "oms_hold_ids.state")
    def _compute_oms_substitution_ids(self):
        for order in self:
            active = order.oms_hold_ids.filtered(lambda h: h.state == "active")
            order.oms_substitution_ids = active.substitution_ids
            order.oms_has_substitutes = bool(active.substitution_ids)

    @api.depends("oms_sourcing_decision_ids")
    def _compute_oms_sourcing_decision_id(self):
        for order in self:
            order.oms_sourcing_decision_id = max(order.oms_sourcing_decision_ids.ids, default=None)

    @api.depends("oms_hold_ids.state")
    def _compute_oms_on_hold(self):
        for order in self:
            order.oms_on_hold = any(hold.state == "active" for hold in order.oms_hold_ids)

    @api.depends(
        "state",
        "oms_on_hold",
        "picking_ids.state",
        "picking_ids.picking_type_code",
        "picking_ids.oms_delivered_at",
    )
    def _compute_oms_stage(self):
        for order in self:
            order.oms_stage = order._get_oms_stage()

    def _get_oms_stage(self):
        """The stage of one order; a hook later features extend (holds, returns)."""
        self.ensure_one()
        if self.state == "cancel":
            return "cancelled"
        if self.state != "sale":
            return "on_hold" if self.oms_on_hold else "received"
        deliveries = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        returns = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "incoming" and p.return_id and p.state == "done"
        )
        if returns:
            shipped = sum(
                deliveries.move_ids.filtered(lambda m: m.state == "done").mapped("product_qty")
            )
            returned = sum(
                returns.move_ids.filtered(lambda m: m.state == "done").mapped("product_qty")
            )
            return "returned" if returned >= shipped else "returned_partly"
        if deliveries and all(p.state == "done" for p in deliveries):
            if all(p.oms_delivered_at for p in deliveries):
                return "delivered"
            return "shipped"
        if any(p.state == "done" for p in deliveries):
            return "in_fulfilment"
        return "released"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        if not self.env.su:
            self._oms_check_protected_write(vals)
        if vals.get("state") == "sale":
            # Writing the state (XML-RPC can) meets the same gate as the Confirm button.
            self._oms_check_state_write()
        return super().write(vals)

    def _oms_check_protected_write(self, vals):
        """Refuse what only the system or a manager may change on an order: what the
        channel said (who sent it, its reference, the payment) and what the OMS
        derives (hold, stage)."""
        if set(vals) & {"oms_on_hold", "oms_stage"}:
            raise UserError(self.env._("The OMS stage and hold follow the order's holds."))
        from_channel = self.filtered("oms_intake_id")
        if from_channel and set(vals) & {"oms_channel_id", "oms_channel_ref"}:
            changed = from_channel.filtered(
                lambda o: (
                    o.oms_channel_id.id != vals.get("oms_channel_id", o.oms_channel_id.id)
                    or o.oms_channel_ref != vals.get("oms_channel_ref", o.oms_channel_ref)
                )
            )
            if changed:
                raise UserError(
                    self.env._(
                        "%s came from its channel: its channel and reference stay as the "
                        "channel sent them.",
                        ", ".join(changed.mapped("name")),
                    )
                )
        payment = set(vals) & self._oms_payment_fields()
        if (
            payment
            and self.filtered("oms_channel_id")
            and not self.env.user.has_group("oms_addon.group_oms_manager")
        ):
            raise UserError(
                self.env._(
                    "Only an OMS manager may change the payment of an OMS order: the "
                    "payment check trusts it."
                )
            )

    @api.model
    def _oms_payment_fields(self):
        return {
            "oms_payment_status",
            "oms_payment_amount",
            "oms_payment_method",
            "oms_payment_ref",
        }

    def _oms_check_state_write(self):
        confirming = self._oms_confirming_ids()
        for order in self.filtered(lambda o: o.state != "sale"):
            error = order._oms_hold_error_message()
            if not error and order.oms_channel_id and order.id not in confirming:
                error = self.env._(
                    "%s is an OMS order: confirm it with Confirm or Check and Confirm, which "
                    "run its checks and sourcing.",
                    order.name,
                )
            if error:
                raise UserError(error)

    # ------------------------------------------------------------------
    # Confirmation gate
    # ------------------------------------------------------------------
    def _confirmation_error_message(self):
        # The one gate of every confirmation: the Confirm button, XML-RPC, another
        # module's action_confirm and pre-processing all pass here.
        return super()._confirmation_error_message() or self._oms_hold_error_message()

    def _oms_hold_error_message(self):
        """Why this order may not be confirmed because of its holds, or False."""
        self.ensure_one()
        # sudo: holds are OMS records; whoever confirms must meet them all the same.
        holds = self.sudo().oms_hold_ids.filtered(lambda h: h.state == "active")
        if not holds:
            return False
        return self.env._(
            "%(order)s is on hold and cannot be confirmed: %(holds)s",
            order=self.name,
            holds="; ".join(
                "%s (%s)" % (hold.hold_type_id.name, hold.reason or "") for hold in holds
            ),
        )

    def _oms_confirming_ids(self):
        """Ids of the orders pre-processing is confirming in this transaction: it
        sourced and checked them, so ``action_confirm`` goes straight to the gate.
        Kept on the cursor, out of reach of a caller's context."""
        return self.env.cr.cache.setdefault("oms_confirming_order_ids", set())

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Confirm quotations. OMS quotations are pre-processed first, with the
        rights of the system once the caller may write them: their channel's checks
        run, failed ones put holds, and each line gets its warehouse (each warehouse
        makes its own delivery). An order that does not pass is not confirmed and
        the message says why."""
        confirming = self._oms_confirming_ids()
        oms_orders = self.filtered(
            lambda o: o.oms_channel_id and o.state in ("draft", "sent") and o.id not in confirming
        )
        if not oms_orders:
            return super().action_confirm()
        confirmed = oms_orders._oms_preprocess_for_caller()
        not_confirmed = oms_orders - confirmed
        if not_confirmed:
            raise UserError(
                "\n\n".join(
                    order._oms_hold_error_message()
                    or self.env._("%s could not be confirmed.", order.name)
                    for order in not_confirmed
                )
            )
        others = self - oms_orders
        return super(SaleOrder, others).action_confirm() if others else True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _oms_amount_company(self):
        """The order's total in its company's currency, at the order's date."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.today(),
        )
