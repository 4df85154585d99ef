# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from collections import defaultdict

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.modules import module
from odoo.tools import SQL, float_is_zero, split_every

from ..lib import sourcing
from ..lib.canonical import Quarantined

PAYMENT_STATUSES = [
    ("paid", "Paid"),
    ("authorized", "Authorized"),
    ("pending", "Pending"),
    ("cod", "Cash on Delivery"),
]
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
        PAYMENT_STATUSES, string="Payment Status", copy=False, tracking=True
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

    oms_hold_ids = fields.One2many("oms.hold", "order_id", string="Holds")
    oms_substitution_ids = fields.One2many(
        "oms.hold.substitution", compute="_compute_oms_substitution_ids", string="Substitutes"
    )
    oms_has_substitutes = fields.Boolean(compute="_compute_oms_substitution_ids")
    oms_on_hold = fields.Boolean(
        string="On Hold", compute="_compute_oms_on_hold", store=True, index=True
    )
    oms_sourcing_decision_ids = fields.One2many(
        "oms.sourcing.decision", "order_id", string="Sourcing Decisions", readonly=True
    )
    oms_sourcing_decision_id = fields.Many2one(
        "oms.sourcing.decision",
        string="Sourcing Decision",
        compute="_compute_oms_sourcing_decision_id",
        store=True,
        help="The latest sourcing decision.",
    )
    oms_sourcing_rule_id = fields.Many2one(
        related="oms_sourcing_decision_id.rule_id", string="Sourcing Rule", store=True
    )
    oms_sourcing_reason = fields.Selection(
        related="oms_sourcing_decision_id.reason", string="Sourcing Outcome", store=True
    )
    oms_sourcing_explanation = fields.Text(
        related="oms_sourcing_decision_id.explanation", string="Why These Warehouses"
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
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """OMS orders are sourced first: each line gets its warehouse, and each
        warehouse makes its own delivery. An order that cannot be sourced as its rule
        allows is not confirmed; the explanation says why. (Pre-processing sources
        its orders itself and says so with the ``oms_sourced`` context key.)"""
        if self.env.context.get("oms_sourced"):
            return super().action_confirm()
        oms_orders = self.filtered(lambda o: o.oms_channel_id and o.state in ("draft", "sent"))
        decisions = oms_orders._oms_source()
        blocked = [order for order in oms_orders if not decisions[order].feasible]
        if blocked:
            raise UserError(
                "\n\n".join(
                    self.env._(
                        "%(order)s cannot be sourced: %(why)s",
                        order=order.name,
                        why=decisions[order].explanation_text,
                    )
                    for order in blocked
                )
            )
        return super().action_confirm()

    def action_oms_preprocess(self):
        """Run the channel's checks: failed ones put typed holds on the order, passed
        ones release their own holds that release themselves; an order left without
        a blocking hold is sourced and confirmed."""
        self._oms_preprocess()
        return True

    def action_oms_source(self):
        """Re-run sourcing: choose the warehouses again (e.g. after one ran out). On a
        confirmed order, the quantities not picked yet move to the new warehouses:
        their deliveries are cancelled and made again from there."""
        self.filtered(lambda o: o.state in ("draft", "sent"))._oms_source()
        for order in self.filtered(lambda o: o.state == "sale"):
            order._oms_resource_open_lines()
        return True

    def _oms_resource_open_lines(self):
        self.ensure_one()
        open_moves = self.order_line.move_ids.filtered(
            lambda m: (
                m.state not in ("done", "cancel") and not m.picked and m.picking_code == "outgoing"
            )
        )
        lines = open_moves.sale_line_id.filtered(lambda line: not line.qty_delivered)
        if not lines:
            return None
        moves = open_moves.filtered(lambda m: m.sale_line_id in lines)
        # What this order reserved counts as free for its own new decision.
        moves._do_unreserve()
        products = lines.product_id
        stock = self._oms_free_stock(products)
        rule = self.env["oms.sourcing.rule"]._get_rule_for(self)
        decision = self._oms_decide(rule, stock, lines=lines)
        self._oms_log_decisions({self: (rule, decision)})
        if not decision.feasible:
            moves._action_assign()
            return decision
        moved = self.env["sale.order.line"]
        for line in lines:
            shares = decision.assignments.get(line.id)
            if shares and shares[0][0] != line.warehouse_id.id:
                line.oms_warehouse_id = shares[0][0]
                moved |= line
        moves.filtered(lambda m: m.sale_line_id in moved)._action_cancel()
        moved._action_launch_stock_rule()
        (moves.filtered(lambda m: m.state != "cancel") | moved.move_ids).filtered(
            lambda m: m.state in ("confirmed", "partially_available")
        )._action_assign()
        if moved:
            self.message_post(body=decision.explanation_text)
        return decision

    # ------------------------------------------------------------------
    # Pre-processing: checks and holds
    # ------------------------------------------------------------------
    @api.model
    def _cron_oms_preprocess(self, limit=1000, batch_size=200):
        """Pre-process new OMS quotations and re-check held ones, a batch at a time.
        Each batch is committed (outside tests): its orders are final and the stock
        locks it took end there."""
        orders = self.search(self._get_oms_preprocess_domain(), limit=limit, order="id")
        for batch in split_every(batch_size, orders.ids, self.browse):
            try:
                batch._oms_preprocess()
            except psycopg2.errors.SerializationFailure:
                if module.current_test:
                    raise
                # Someone reserved some of these units meanwhile: the batch starts
                # again in a new transaction, which sees their reservation.
                self.env.cr.rollback()
                self.env.ref("oms_addon.ir_cron_oms_preprocess")._trigger()
                return
            if not module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _get_oms_preprocess_domain(self):
        # Orders a channel sent, and held ones; a quotation a clerk is still typing
        # in is checked when they press Check and Confirm.
        return [
            ("oms_channel_id", "!=", False),
            ("state", "in", ("draft", "sent")),
            "|",
            ("oms_intake_id", "!=", False),
            ("oms_on_hold", "=", True),
        ]

    def _oms_check_names(self):
        """The checks, in the order they run; a hook to add one (with its
        ``_oms_check_<name>(batch)`` method and hold type)."""
        return ["payment", "address", "fraud", "availability"]

    def _oms_preprocess(self, checks=True):
        """Pre-process these quotations together; returns the ones confirmed.
        ``checks=False`` only sources and confirms (a person released the holds).

        The stock of all their products is locked, then read once (see
        ``_oms_lock_stock``). The orders are handled in the order they came: each
        one's checks run, failed ones put typed holds and passed ones release the
        holds that release themselves; an order left without a blocking hold is
        sourced and takes the units its decision uses from what is left, so two
        orders of a batch never count on the same unit. The orders that passed are
        then confirmed together: one procurement run, one reservation pass.
        """
        orders = self.filtered(lambda o: o.state in ("draft", "sent")).sorted("id")
        if not orders:
            return orders
        batch = orders._oms_batch(lock=True)
        passed = orders.browse(
            [order.id for order in orders if order._oms_preprocess_one(batch, checks=checks)]
        )
        orders._oms_write_decisions(batch)
        return passed._oms_confirm_sourced()

    def _oms_preprocess_one(self, batch, checks=True):
        """Check and source one order of a batch; whether it may be confirmed."""
        self.ensure_one()
        if checks:
            channel = self.oms_channel_id
            for check in self._oms_check_names():
                switch = "check_%s" % check
                enabled = switch not in channel._fields or channel[switch]
                reason = getattr(self, "_oms_check_%s" % check)(batch) if enabled else None
                if reason:
                    hold = self._oms_hold(check, reason, batch)
                    if check == "availability":
                        hold._propose_substitutes(batch)
                else:
                    self._oms_auto_release(check)
        if self.oms_on_hold:
            return False
        decision = self._oms_source_one(batch)
        if not decision.feasible:
            self._oms_hold("sourcing", decision.explanation_text, batch)
            return False
        self._oms_auto_release("sourcing")
        return True

    def _oms_confirm_sourced(self):
        """Confirm these sourced orders together, or one by one when that fails; an
        order that cannot be confirmed gets a manual hold saying why. Returns the
        confirmed orders."""
        if not self:
            return self
        orders = self.with_context(oms_sourced=True)
        try:
            with self.env.cr.savepoint():
                orders.action_confirm()
            return self
        except (UserError, ValidationError):
            self.env.invalidate_all()
        confirmed = self.browse()
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    order.action_confirm()
                confirmed |= order
            except (UserError, ValidationError) as error:
                self.env.invalidate_all()
                order._oms_hold(
                    "manual",
                    self.env._("Confirmation failed: %s", error.args[0] if error.args else error),
                )
        return confirmed

    def _oms_lock_stock(self, products=None):
        """Lock the quants of ``products`` (default: the orders' storable products)
        in internal locations until commit.

        Odoo runs transactions in REPEATABLE READ: a concurrent transaction that
        reserved the same units has either committed (then this lock fails with a
        serialization error and the caller retries, seeing its reservation) or not
        (then this waits for it, with the same outcome). Either way two channels
        selling the last unit end with one reservation and one hold, never a
        negative.
        """
        if products is None:
            products = self.order_line.product_id.filtered("is_storable")
        if not products:
            return
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            """
            SELECT quant.id FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
             WHERE quant.product_id IN %s AND location.usage = 'internal'
             ORDER BY quant.id
               FOR UPDATE OF quant
            """,
            [tuple(products.ids)],
        )

    def _oms_hold(self, check, reason, batch=None):
        """Put the hold of ``check`` on the order, once."""
        self.ensure_one()
        hold_types = batch["hold_types"] if batch else {}
        if check not in hold_types:
            hold_types[check] = self.env["oms.hold.type"].search([("check", "=", check)], limit=1)
        hold_type = hold_types[check]
        active = self.oms_hold_ids.filtered(
            lambda h: h.state == "active" and h.hold_type_id == hold_type
        )
        if active:
            if active.reason != reason:
                active.reason = reason
            return active
        return self.env["oms.hold"].create(
            {"order_id": self.id, "hold_type_id": hold_type.id, "reason": reason}
        )

    def _oms_auto_release(self, check):
        holds = self.oms_hold_ids.filtered(
            lambda h: (
                h.state == "active"
                and h.hold_type_id.check == check
                and h.hold_type_id.auto_release
            )
        )
        if holds:
            holds._release(note=self.env._("Check passed again."))

    def _oms_release_if_clear(self):
        """After a release: source and confirm the orders without a blocking hold
        left (their checks are not run again: a person released them)."""
        return self.filtered(lambda o: not o.oms_on_hold)._oms_preprocess(checks=False)

    def _oms_check_payment(self, batch=None):
        status = self.oms_payment_status
        if status in ("paid", "authorized"):
            return None
        if status == "cod" and self.oms_channel_id.allow_cod:
            return None
        if status == "cod":
            return self.env._("The channel does not allow cash on delivery.")
        if self.payment_term_id and self.partner_id.commercial_partner_id.credit_limit:
            partner = self.partner_id.commercial_partner_id
            exposure = partner.credit + self.amount_total
            if exposure <= partner.credit_limit:
                return None
            return self.env._(
                "Open receivables plus this order (%(exposure).2f) exceed the customer's "
                "credit limit (%(limit).2f).",
                exposure=exposure,
                limit=partner.credit_limit,
            )
        return self.env._("The order is not paid (payment status: %s).", status or "none")

    def _oms_check_address(self, batch=None):
        address = self.partner_shipping_id
        country = address.country_id
        missing = [
            label
            for label, ok in (
                (self.env._("country"), bool(country)),
                (self.env._("street"), bool(address.street)),
                (self.env._("city"), bool(address.city)),
                (self.env._("zip"), bool(address.zip) or not country.zip_required),
                (self.env._("state"), bool(address.state_id) or not country.state_required),
            )
            if not ok
        ]
        if missing:
            return self.env._("The shipping address lacks: %s.", ", ".join(missing))
        if country and address.zip and not self._oms_zip_valid(country, address.zip):
            return self.env._(
                "%(zip)s is not a valid postal code for %(country)s.",
                zip=address.zip,
                country=country.name,
            )
        return None

    @api.model
    def _oms_zip_valid(self, country, zip_code):
        """Postal code formats of the countries that have one (extend as needed)."""
        patterns = {
            "US": r"\d{5}(-\d{4})?",
            "CA": r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d",
            "DE": r"\d{5}",
            "FR": r"\d{5}",
            "NL": r"\d{4} ?[A-Za-z]{2}",
            "BE": r"\d{4}",
            "GB": r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}",
        }
        pattern = patterns.get(country.code)
        return not pattern or bool(re.fullmatch(pattern, zip_code.strip()))

    def _oms_check_fraud(self, batch=None):
        channel = self.oms_channel_id
        score, signals = 0, []
        amount = self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.today(),
        )
        if channel.fraud_amount and amount > channel.fraud_amount:
            score += 40
            signals.append(self.env._("order total above %s", channel.fraud_amount))
        billing, shipping = self.partner_invoice_id.country_id, self.partner_shipping_id.country_id
        if billing and shipping and billing != shipping:
            score += 30
            signals.append(self.env._("billing and shipping countries differ"))
        if batch is None:
            history = self._oms_order_history()
        else:
            if "history" not in batch:
                batch["history"] = batch["orders"]._oms_order_history()
            history = batch["history"]
        customer = self.partner_id.commercial_partner_id
        total, recent = history.get(customer.id, (0, 0))
        # ``total`` counts this order too.
        if total <= 1 and amount > channel.fraud_new_customer_amount:
            score += 30
            signals.append(
                self.env._(
                    "first order of a new customer above %s", channel.fraud_new_customer_amount
                )
            )
        if channel.fraud_orders_per_hour and recent > channel.fraud_orders_per_hour:
            score += 40
            signals.append(self.env._("%s orders from this customer in an hour", recent))
        if score >= channel.fraud_threshold:
            return self.env._(
                "Fraud score %(score)s (threshold %(threshold)s): %(signals)s.",
                score=score,
                threshold=channel.fraud_threshold,
                signals="; ".join(signals),
            )
        return None

    def _oms_order_history(self):
        """{customer (commercial partner) id: (orders ever, orders in the last hour)}
        for the customers of these orders, in two queries."""
        customers = self.partner_id.commercial_partner_id
        domain = [("partner_id", "child_of", customers.ids)]
        since = fields.Datetime.subtract(fields.Datetime.now(), hours=1)
        history = {}
        for position, extra in enumerate(([], [("create_date", ">=", since)])):
            groups = self._read_group(domain + extra, ["partner_id"], ["__count"])
            for partner, count in groups:
                counts = history.setdefault(partner.commercial_partner_id.id, [0, 0])
                counts[position] += count
        return {customer: tuple(counts) for customer, counts in history.items()}

    def _oms_check_availability(self, batch=None):
        short = self._oms_short_products(batch)
        if not short:
            return None
        return self.env._(
            "Not enough stock: %s.",
            ", ".join(
                "%s (%g wanted, %g free)" % (product.display_name, wanted, free)
                for product, (wanted, free) in short.items()
            ),
        )

    def _oms_short_products(self, batch=None):
        """{product: (quantity wanted, free quantity)} for what stock (the batch's
        when given: what earlier orders of the batch left) cannot serve."""
        lines = self.order_line.filtered(lambda l: l.product_id.is_storable and not l.display_type)
        if not lines:
            return {}
        free = self._oms_free_quantities(lines.product_id, batch)
        needed = {}
        for line in lines:
            quantity = line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id
            )
            needed[line.product_id] = needed.get(line.product_id, 0.0) + quantity
        return {
            product: (quantity, free.get(product.id, 0.0))
            for product, quantity in needed.items()
            if free.get(product.id, 0.0) < quantity
        }

    def _oms_free_quantities(self, products, batch=None):
        """{product id: free quantity in all warehouses the order may ship from}; the
        batch's stock for the products it has read."""
        self.ensure_one()
        rule = self._oms_rule(batch)
        warehouse_ids = set(self._oms_sourcing_options(rule, batch)["priority_ids"])
        if batch is not None and products <= batch["products"]:
            stock = batch["stock"]
        else:
            stock = self._oms_free_stock(products)
        free = {}
        for product_id in products.ids:
            free[product_id] = sum(
                max(stock.get((warehouse_id, product_id), 0.0), 0.0)
                for warehouse_id in warehouse_ids
            )
        return free

    # ------------------------------------------------------------------
    # Sourcing
    # ------------------------------------------------------------------
    def _oms_batch(self, lock=False):
        """What checking and sourcing these orders together needs, read once: the
        free stock of their products (locked first with ``lock``), the sourcing
        rules; and caches the checks fill (rule per order, warehouses per rule, hold
        types, order history). Decisions made on it are kept in ``decisions`` until
        ``_oms_write_decisions``."""
        # Only what sourcing reads: a whole order record is a hundred columns.
        self.fetch(["company_id", "partner_shipping_id", "oms_channel_id"])
        self.partner_shipping_id.fetch(["partner_latitude", "partner_longitude"])
        lines = self._oms_sourcing_lines()
        products = self.env["product.product"].browse(
            sorted({line.product_id for order_lines in lines.values() for line in order_lines})
        )
        if lock:
            self._oms_lock_stock(products)
        return {
            "orders": self,
            "lines": lines,
            "products": products,
            "stock": self._oms_free_stock(products),
            "rules": self.env["oms.sourcing.rule"]
            .search([("company_id", "in", self.company_id.ids)])
            ._match_table(),
            "rule_of": {},
            "sites": {},
            "hold_types": {},
            "decisions": {},
        }

    def _oms_source(self, batch=None):
        """Apply each order's sourcing rule; {order: sourcing.Decision}.

        The orders share the free stock read once for all of them: each one's
        decision takes its units from what the orders before it left. Each line gets
        its warehouse and each order the rule, the outcome and the explanation.
        """
        if not self:
            return {}
        if batch is None:
            batch = self._oms_batch()
        decisions = self._oms_plan(batch)
        self._oms_write_decisions(batch)
        return decisions

    def _oms_plan(self, batch=None):
        """{order: sourcing.Decision} for these orders, in order, sharing the stock
        of ``batch``; nothing is written (``_oms_write_decisions`` does)."""
        if batch is None:
            batch = self._oms_batch()
        return {order: order._oms_source_one(batch) for order in self}

    def _oms_source_one(self, batch):
        """Source one order of a batch: decide, then take the units it uses from the
        batch's stock. The decision is written with the batch's others."""
        self.ensure_one()
        rule = self._oms_rule(batch)
        decision = self._oms_decide(rule, batch["stock"], batch=batch)
        batch["decisions"][self] = (rule, decision)
        if decision.feasible:
            product_of = {line.key: line.product_id for line in batch["lines"][self.id]}
            stock = batch["stock"]
            for key, shares in decision.assignments.items():
                for warehouse_id, quantity in shares:
                    stock_key = (warehouse_id, product_of[key])
                    stock[stock_key] = stock.get(stock_key, 0.0) - quantity
        return decision

    def _oms_rule(self, batch=None):
        """The sourcing rule of this order (cached in ``batch``)."""
        self.ensure_one()
        rule_model = self.env["oms.sourcing.rule"]
        if batch is None:
            return rule_model._get_rule_for(self)
        rule_of = batch["rule_of"]
        if self.id not in rule_of:
            rule_of[self.id] = rule_model._get_rule_for(self, batch["rules"])
        return rule_of[self.id]

    def _oms_sourcing_options(self, rule, batch=None):
        """The arguments of ``sourcing.source()`` that ``rule`` gives for this
        order's company, but the lines, stock and destination (cached in ``batch``)."""
        key = (rule.id, self.company_id.id)
        if batch is not None and key in batch["sites"]:
            return batch["sites"][key]
        warehouses = rule._get_warehouses(self.company_id)
        options = {
            "warehouses": [
                sourcing.Warehouse(
                    id=warehouse.id,
                    name=warehouse.name,
                    code=warehouse.code,
                    latitude=warehouse.partner_id.partner_latitude or None,
                    longitude=warehouse.partner_id.partner_longitude or None,
                    priority=warehouse.sequence,
                )
                for warehouse in warehouses
            ],
            "priority_ids": warehouses.ids,
            "strategy": rule.strategy if rule else "nearest",
            "allow_split": rule.allow_split if rule else True,
            "max_shipments": (rule.max_shipments or None) if rule else None,
            "rule_name": rule.name if rule else self.env._("Default"),
        }
        if batch is not None:
            batch["sites"][key] = options
        return options

    @api.model
    def _oms_free_stock(self, products):
        """{(warehouse id, product id): on hand minus reserved} in internal locations."""
        if not products:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.location"].flush_model(["usage", "warehouse_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT location.warehouse_id, quant.product_id,
                       SUM(quant.quantity - quant.reserved_quantity)
                  FROM stock_quant quant
                  JOIN stock_location location ON location.id = quant.location_id
                 WHERE quant.product_id IN %s
                   AND location.usage = 'internal'
                   AND location.warehouse_id IS NOT NULL
                 GROUP BY location.warehouse_id, quant.product_id
                """,
                tuple(products.ids),
            )
        )
        return {(warehouse_id, product_id): free for warehouse_id, product_id, free in rows}

    def _oms_decide(self, rule, stock, lines=None, batch=None):
        """The sourcing decision for this order (or these of its ``lines``) under
        ``rule`` (none: every warehouse of the company, nearest first, splitting
        allowed)."""
        self.ensure_one()
        destination = self.partner_shipping_id
        if lines is None and batch is not None:
            source_lines = batch["lines"][self.id]
        else:
            source_lines = self._oms_sourcing_lines(lines)[self.id]
        return sourcing.source(
            source_lines,
            stock=stock,
            destination=sourcing.Destination(
                latitude=destination.partner_latitude or None,
                longitude=destination.partner_longitude or None,
            ),
            **self._oms_sourcing_options(rule, batch),
        )

    def _oms_sourcing_lines(self, lines=None):
        """{order id: [sourcing.Line]}: the storable lines of these orders (or these
        ``lines``) in the product's unit, read in one query."""
        line_model = self.env["sale.order.line"]
        line_model.flush_model(
            ["order_id", "product_id", "product_uom_qty", "product_uom", "display_type"]
        )
        self.env["product.template"].flush_model(["is_storable", "uom_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.order_id, line.product_id, line.product_uom_qty,
                       line.product_uom, template.uom_id
                  FROM sale_order_line line
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                 WHERE %s AND line.display_type IS NULL AND template.is_storable
                 ORDER BY line.order_id, line.sequence, line.id
                """,
                SQL("line.id IN %s", tuple(lines.ids))
                if lines is not None
                else SQL("line.order_id IN %s", tuple(self.ids)),
            )
        )
        # Lines are named by SKU in explanations, by name when there is none.
        products = self.env["product.product"].browse({row[2] for row in rows})
        products.fetch(["default_code"])
        labels = {product.id: product.default_code or product.display_name for product in products}
        uoms = self.env["uom.uom"].browse
        result = {order_id: [] for order_id in self.ids}
        for line_id, order_id, product_id, quantity, line_uom, product_uom in rows:
            if line_uom != product_uom:
                quantity = uoms(line_uom)._compute_quantity(quantity, uoms(product_uom))
            result.setdefault(order_id, []).append(
                sourcing.Line(line_id, product_id, quantity, labels[product_id])
            )
        return result

    @api.model
    def _oms_log_decisions(self, decisions):
        """Record {order: (rule, decision)} on the orders, in one go."""
        return self.env["oms.sourcing.decision"].create(
            [
                {
                    "order_id": order.id,
                    "rule_id": rule.id,
                    "strategy": decision.strategy,
                    "reason": decision.reason,
                    "feasible": decision.feasible,
                    "explanation": decision.explanation_text,
                }
                for order, (rule, decision) in decisions.items()
            ]
        )

    def _oms_write_decisions(self, batch):
        """Write the batch's decisions: each order gets its decision record, each line
        its warehouse, the lines going to one warehouse in one write. (The order's
        own warehouse stays what the channel or the company says; it serves what
        sourcing does not handle, such as consumables.)"""
        decisions = batch["decisions"]
        self._oms_log_decisions(decisions)
        line_model = self.env["sale.order.line"]
        lines_to, splits = defaultdict(list), []
        for _rule, decision in decisions.values():
            if not decision.feasible:
                continue
            for line_id, shares in decision.assignments.items():
                if len(shares) > 1:
                    splits.append((line_id, shares))
                elif shares:
                    lines_to[shares[0][0]].append(line_id)
        line_model.browse([i for ids in lines_to.values() for i in ids]).fetch(["oms_warehouse_id"])
        for warehouse_id, line_ids in lines_to.items():
            moving = line_model.browse(line_ids).filtered(
                lambda line, warehouse_id=warehouse_id: line.oms_warehouse_id.id != warehouse_id
            )
            if moving:
                moving.oms_warehouse_id = warehouse_id
        for line_id, shares in splits:
            line_model.browse(line_id)._oms_split(shares)
        decisions.clear()

    # ------------------------------------------------------------------
    # Order creation from canonical orders
    # ------------------------------------------------------------------
    @api.model
    def _oms_prepare_batch_cache(self, channel, orders):
        """Everything the given canonical orders refer to, read in a few queries:
        products by SKU and barcode, currencies, countries, states, carriers."""
        skus = {line["sku"] for order in orders for line in order["lines"] if line["sku"]}
        barcodes = {
            line["barcode"] for order in orders for line in order["lines"] if line["barcode"]
        }
        product_domain = [
            ("sale_ok", "=", True),
            ("company_id", "in", [False, channel.company_id.id]),
        ]
        products = self.env["product.product"].search_fetch(
            product_domain
            + ["|", ("default_code", "in", list(skus)), ("barcode", "in", list(barcodes))],
            ["default_code", "barcode", "uom_id", "display_name", "taxes_id"],
        )
        by_sku, by_barcode = {}, {}
        for product in products:
            by_sku.setdefault(product.default_code, product)
            by_barcode.setdefault(product.barcode, product)
        codes = {order["currency"] for order in orders}
        currencies = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search_fetch([("name", "in", list(codes))], ["name", "active", "rounding"])
        )
        country_codes = {
            address.get("country_code")
            for order in orders
            for address in (order["shipping_address"], order["billing_address"])
            if address
        }
        countries = self.env["res.country"].search_fetch(
            [("code", "in", [c for c in country_codes if c])], ["code"]
        )
        states = self.env["res.country.state"].search_fetch(
            [("country_id", "in", countries.ids)], ["code", "country_id"]
        )
        carriers = self.env["delivery.carrier"].search_fetch(
            [("company_id", "in", [False, channel.company_id.id])],
            ["name", "product_id", "oms_method_codes"],
        )
        carriers_by_method = {}
        for carrier in carriers:
            for key in carrier._oms_method_keys():
                carriers_by_method.setdefault(key, carrier)
        return {
            "channel": channel,
            "by_sku": by_sku,
            "by_barcode": by_barcode,
            "currencies": {c.name: c for c in currencies},
            "countries": {c.code: c for c in countries},
            "states": {(s.country_id.code, s.code): s for s in states},
            "carriers": carriers_by_method,
            "pricelists": {},
            "partners": self.env["res.partner"]._oms_prefetch_customers(orders, channel),
        }

    @api.model
    def _oms_check_order(self, order, channel, cache):
        """Resolve what a normalized canonical ``order`` refers to, creating nothing.

        Returns {"currency", "lines", "shipping_line", "billing", "shipping"} (the
        last two as res.partner values). Raises ``Quarantined`` for what a person must
        fix first: unknown SKU, currency, country, state or shipping method,
        fractional quantity of a unit product.
        """
        partner_model = self.env["res.partner"]
        shipping = partner_model._oms_prepare_address_vals(
            order["shipping_address"], "shipping_address", cache
        )
        billing = (
            partner_model._oms_prepare_address_vals(
                order["billing_address"], "billing_address", cache
            )
            if order["billing_address"]
            else shipping
        )
        return {
            "currency": self._oms_resolve_currency(order, cache),
            "lines": [
                self._oms_prepare_line_vals(line, index, channel, cache)
                for index, line in enumerate(order["lines"])
            ],
            "shipping_line": self._oms_prepare_shipping_line_vals(order, channel, cache),
            "billing": billing,
            "shipping": shipping,
        }

    @api.model
    def _oms_prepare_order_vals(self, order, channel, cache, checked, intake=None, create=True):
        """Values of the quotation for a checked canonical ``order`` (see
        ``_oms_check_order``); finds or creates its customer and addresses. With
        ``create=False``, None when a customer or an address would have to be
        created."""
        partners = self.env["res.partner"]._oms_resolve_customer(
            order, channel, cache, checked["billing"], checked["shipping"], create=create
        )
        if not partners:
            return None
        customer, invoice_address, shipping_address = partners
        pricelist = self._oms_resolve_pricelist(channel, checked["currency"], cache)
        lines = [Command.create(line_vals) for line_vals in checked["lines"]]
        vals = {
            "partner_id": customer.id,
            "partner_invoice_id": invoice_address.id,
            "partner_shipping_id": shipping_address.id,
            "company_id": channel.company_id.id,
            "pricelist_id": pricelist.id,
            "oms_channel_id": channel.id,
            "oms_channel_ref": order["reference"],
            "oms_intake_id": intake.id if intake else False,
            "client_order_ref": order["reference"],
            "origin": "%s: %s" % (channel.code, order["reference"]),
            "oms_payment_status": order["payment"]["status"],
            "oms_payment_method": order["payment"].get("method"),
            "oms_payment_amount": order["payment"].get("amount") or 0.0,
            "oms_payment_ref": order["payment"].get("transaction_ref"),
            "oms_gift_message": order.get("gift_message"),
            "oms_is_vip": order["flags"]["vip"],
            "oms_is_gift": order["flags"]["gift"],
            "oms_is_priority": order["flags"]["priority"],
            "note": order.get("note") or False,
            "order_line": lines,
        }
        if order.get("date_order"):
            vals["date_order"] = order["date_order"]
        if channel.team_id:
            vals["team_id"] = channel.team_id.id
        if channel.user_id:
            vals["user_id"] = channel.user_id.id
        if channel.warehouse_id:
            vals["warehouse_id"] = channel.warehouse_id.id
        if checked["shipping_line"]:
            shipping_line = dict(checked["shipping_line"])
            vals["carrier_id"] = shipping_line.pop("carrier_id")
            lines.append(Command.create(shipping_line))
        return vals

    @api.model
    def _oms_resolve_currency(self, order, cache):
        currency = cache["currencies"].get(order["currency"])
        if not currency or not currency.active:
            raise Quarantined(
                "unknown_currency",
                "Currency %s is not active in Odoo. Activate it (Accounting settings, "
                "Currencies) and retry." % order["currency"],
                "currency",
            )
        return currency

    @api.model
    def _oms_resolve_pricelist(self, channel, currency, cache):
        """The channel's pricelist when it is in the order's currency, else a
        pricelist in that currency (created once). Prices stay as the channel sold
        them: the pricelist only carries the currency."""
        if channel.pricelist_id.currency_id == currency:
            return channel.pricelist_id
        if currency not in cache["pricelists"]:
            pricelist_model = self.env["product.pricelist"]
            domain = [
                ("currency_id", "=", currency.id),
                ("company_id", "in", [False, channel.company_id.id]),
            ]
            pricelist = pricelist_model.search(domain, limit=1)
            if not pricelist:
                pricelist = pricelist_model.sudo().create(
                    {
                        "name": "%s (OMS)" % currency.name,
                        "currency_id": currency.id,
                        "company_id": channel.company_id.id,
                    }
                )
            cache["pricelists"][currency] = pricelist
        return cache["pricelists"][currency]

    @api.model
    def _oms_resolve_product(self, line, index, cache):
        product = (line["sku"] and cache["by_sku"].get(line["sku"])) or (
            line["barcode"] and cache["by_barcode"].get(line["barcode"])
        )
        if not product:
            what = " / ".join(
                filter(
                    None,
                    [
                        line["sku"] and "SKU %s" % line["sku"],
                        line["barcode"] and "barcode %s" % line["barcode"],
                    ],
                )
            )
            raise Quarantined(
                "unknown_sku",
                "Line %d: no product with %s. Create the product (or set its internal "
                "reference / barcode) and retry." % (index + 1, what),
                "lines[%d].sku" % index,
            )
        return product

    @api.model
    def _oms_prepare_line_vals(self, line, index, channel, cache):
        product = self._oms_resolve_product(line, index, cache)
        uom = product.uom_id
        quantity = line["quantity"]
        if self._oms_is_fractional(uom, quantity):
            raise Quarantined(
                "fractional_quantity",
                "Line %d: %s is sold in %s, it cannot be ordered %g times."
                % (index + 1, product.display_name, uom.name, quantity),
                "lines[%d].quantity" % index,
            )
        vals = {
            "product_id": product.id,
            "product_uom_qty": quantity,
            "product_uom": uom.id,
            "price_unit": self._oms_price_unit(product, line, channel),
            "discount": line.get("discount") or 0.0,
        }
        if line.get("name"):
            vals["name"] = line["name"]
        return vals

    @api.model
    def _oms_is_fractional(self, uom, quantity):
        """Whether ``quantity`` of ``uom`` means a fraction of a unit (half a shirt);
        a fraction of a kilogram or of a dozen of units is fine."""
        if uom.category_id.id != self.env["ir.model.data"]._xmlid_to_res_id(
            "uom.product_uom_categ_unit"
        ):
            return False
        in_units = quantity / uom.factor
        return not float_is_zero(in_units - round(in_units), precision_digits=6)

    @api.model
    def _oms_price_unit(self, product, line, channel):
        """The unit price in the way Odoo reads it for the product's taxes: a price
        sent with taxes included becomes net for price-excluded taxes, and the other
        way round."""
        price = line["unit_price"]
        taxes = product.taxes_id._filter_taxes_by_company(channel.company_id)
        if not taxes:
            return price
        taxes_are_included = all(tax.price_include for tax in taxes)
        if line["taxes_included"] == taxes_are_included:
            return price
        key = "total_excluded" if line["taxes_included"] else "total_included"
        result = taxes.with_context(force_price_include=line["taxes_included"]).compute_all(
            price, product=product
        )
        return result[key]

    @api.model
    def _oms_prepare_shipping_line_vals(self, order, channel, cache):
        shipping = order["shipping"]
        method = (shipping.get("method") or "").strip()
        amount = shipping.get("amount") or 0.0
        if not method and not amount:
            return None
        carrier = cache["carriers"].get(method.lower()) or channel.default_carrier_id
        if not carrier:
            raise Quarantined(
                "unknown_shipping_method",
                "Shipping method %r matches no carrier and the channel has no default "
                "carrier. Create the carrier or set the channel's default carrier, then "
                "retry." % method,
                "shipping.method",
            )
        return {
            "carrier_id": carrier.id,
            "product_id": carrier.product_id.id,
            "name": method or carrier.name,
            "product_uom_qty": 1,
            "price_unit": amount,
            "is_delivery": True,
        }
