# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..channels import get_adapter
from ..lib import signature


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
    default_carrier_id = fields.Many2one(
        "delivery.carrier",
        check_company=True,
        help="Carrier of the shipping line when an order's shipping method names no known carrier.",
    )

    # Pre-processing checks, switched on per channel.
    check_payment = fields.Boolean(
        default=True, help="Hold orders that are not paid or authorized."
    )
    allow_cod = fields.Boolean(string="Allow Cash on Delivery")
    check_address = fields.Boolean(
        default=True, help="Hold orders whose shipping address lacks what its country needs."
    )
    check_availability = fields.Boolean(
        default=True, help="Hold orders whose lines cannot all be served from stock."
    )
    substitute_price = fields.Selection(
        [("keep", "Keep the price sold"), ("pricelist", "Price of the substitute")],
        default="keep",
        required=True,
        help="The price of a line when a substitute replaces its product.",
    )
    check_fraud = fields.Boolean(default=True)
    fraud_threshold = fields.Integer(
        default=50, help="Orders scoring this or more are held for a fraud review."
    )
    fraud_amount = fields.Monetary(
        string="Large Order Amount",
        currency_field="fraud_currency_id",
        default=2000.0,
        help="Fraud signal (40 points): an order total above this, in the company currency.",
    )
    fraud_new_customer_amount = fields.Monetary(
        string="New Customer Amount",
        currency_field="fraud_currency_id",
        default=500.0,
        help="Fraud signal (30 points): a customer's first order above this amount.",
    )
    fraud_orders_per_hour = fields.Integer(
        default=5,
        help="Fraud signal (40 points): more orders than this from one customer in an hour.",
    )
    fraud_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")

    # Intake credentials: visible to administrators only, never logged.
    api_key = fields.Char(string="API Key", groups="base.group_system", copy=False, readonly=True)
    signing_secret = fields.Char(groups="base.group_system", copy=False, readonly=True)
    previous_api_key = fields.Char(groups="base.group_system", copy=False, readonly=True)
    previous_signing_secret = fields.Char(groups="base.group_system", copy=False, readonly=True)
    previous_valid_until = fields.Datetime(
        string="Previous Credentials Valid Until",
        groups="base.group_system",
        copy=False,
        readonly=True,
        help="During a rotation the previous key and secret keep working until then.",
    )
    rotation_overlap_hours = fields.Integer(
        default=24,
        groups="base.group_system",
        help="How long the previous key and secret stay valid after a rotation.",
    )
    auth_failure_count = fields.Integer(
        string="Refused Requests",
        readonly=True,
        copy=False,
        help="Requests refused for a wrong key or signature; nothing else of them is kept.",
    )

    # Counters shown on the channel.
    order_today_count = fields.Integer(compute="_compute_intake_counts")
    intake_quarantined_count = fields.Integer(compute="_compute_intake_counts")
    intake_failed_count = fields.Integer(compute="_compute_intake_counts")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A channel code must be unique."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _compute_intake_counts(self):
        today = fields.Datetime.to_datetime(fields.Date.context_today(self))
        orders = dict(
            self.env["sale.order"]._read_group(
                [("oms_channel_id", "in", self.ids), ("create_date", ">=", today)],
                ["oms_channel_id"],
                ["__count"],
            )
        )
        intakes = {
            (channel, state): count
            for channel, state, count in self.env["oms.intake"]._read_group(
                [("channel_id", "in", self.ids), ("state", "in", ("quarantined", "failed"))],
                ["channel_id", "state"],
                ["__count"],
            )
        }
        for channel in self:
            channel.order_today_count = orders.get(channel, 0)
            channel.intake_quarantined_count = intakes.get((channel, "quarantined"), 0)
            channel.intake_failed_count = intakes.get((channel, "failed"), 0)

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id and not self.currency_id:
            self.currency_id = self.company_id.currency_id

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("api_key", signature.generate_secret())
            vals.setdefault("signing_secret", signature.generate_secret())
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_rotate_credentials(self):
        """Issue a new API key and signing secret; the old ones keep working for
        ``rotation_overlap_hours`` so that the channel can switch without downtime."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can rotate channel credentials."))
        for channel in self.sudo():
            channel.write(
                {
                    "previous_api_key": channel.api_key,
                    "previous_signing_secret": channel.signing_secret,
                    "previous_valid_until": fields.Datetime.now()
                    + timedelta(hours=channel.rotation_overlap_hours),
                    "api_key": signature.generate_secret(),
                    "signing_secret": signature.generate_secret(),
                }
            )
            channel.message_post(body=_("API key and signing secret rotated."))
        return True

    def action_open_intakes(self):
        """The channel's intake log, filtered on the state asked by the button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_addon.oms_intake_action")
        action["domain"] = [("channel_id", "=", self.id)]
        state = self.env.context.get("intake_state")
        action["context"] = {"search_default_state_%s" % state: 1} if state else {}
        return action

    def action_open_orders(self):
        """The channel's orders."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_addon.sale_order_action_oms")
        action["domain"] = [("oms_channel_id", "=", self.id)]
        action["context"] = {"default_oms_channel_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_adapter(self):
        """The adapter turning this channel's messages into canonical orders."""
        self.ensure_one()
        return get_adapter(self.channel_type)

    def _valid_credentials(self):
        """[(api_key, signing_secret)] accepted now: current, then previous during a
        rotation's overlap. Call on a sudo() record: the fields are admin-only."""
        self.ensure_one()
        pairs = [(self.api_key, self.signing_secret)]
        if self.previous_valid_until and self.previous_valid_until > fields.Datetime.now():
            pairs.append((self.previous_api_key, self.previous_signing_secret))
        return [(key, secret) for key, secret in pairs if key and secret]

    def _register_auth_failure(self):
        """Count a refused request; a plain SQL increment so concurrent refusals never
        conflict, and nothing else of the request is stored."""
        self.env.cr.execute(
            "UPDATE oms_channel SET auth_failure_count = COALESCE(auth_failure_count, 0) + 1"
            " WHERE id IN %s",
            [tuple(self.ids)],
        )
