# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Pre-processing of OMS orders: the channel's checks, typed holds, and the
confirmation of the orders that pass, a batch at a time."""

import re

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.modules import module
from odoo.tools import split_every

from .batch_commit import committed_batches


class SaleOrder(models.Model):
    # One file per capability of the model (STYLE.md), not one class for all.
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_oms_preprocess(self):
        """Run the channel's checks: failed ones put typed holds on the order, passed
        ones release their own holds that release themselves; an order left without
        a blocking hold is sourced and confirmed. Holds put here stay (unlike a
        refused Confirm, which undoes everything)."""
        self._oms_preprocess_for_caller()
        return True

    def _oms_preprocess_for_caller(self):
        """``_oms_preprocess`` on behalf of whoever may write these orders; returns
        the confirmed ones (with the caller's environment)."""
        self.check_access("write")
        # sudo: checks, holds and sourcing decisions are the system's work, as in
        # the cron; the caller's right on the orders was checked just above.
        return self.sudo()._oms_preprocess().with_env(self.env)

    # ------------------------------------------------------------------
    # Pre-processing: checks and holds
    # ------------------------------------------------------------------
    @api.model
    def _cron_oms_preprocess(self, limit=1000, batch_size=200):
        """Pre-process new OMS quotations and re-check held ones, a batch at a time.
        Each batch is committed (outside tests): its orders are final and the stock
        locks it took end there."""
        orders = self.search(self._get_oms_preprocess_domain(), limit=limit, order="id")
        batches = split_every(batch_size, orders.ids, self.browse)
        for batch in committed_batches(self.env, batches):
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
        confirming = self._oms_confirming_ids()
        confirming.update(self.ids)
        try:
            try:
                with self.env.cr.savepoint():
                    self.action_confirm()
                return self
            except (UserError, ValidationError):
                self.env.invalidate_all()
            confirmed = self.browse()
            for order in self:
                try:
                    with self.env.cr.savepoint():
                        order.action_confirm()
                    confirmed |= order
                except (UserError, ValidationError) as error:
                    self.env.invalidate_all()
                    order._oms_hold(
                        "manual",
                        self.env._(
                            "Confirmation failed: %s", error.args[0] if error.args else error
                        ),
                    )
            return confirmed
        finally:
            confirming.difference_update(self.ids)

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
        hold_types = batch.hold_types if batch else {}
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
        review = self._oms_payment_review_reason()
        if review:
            return review
        status = self.oms_payment_status
        if status in ("paid", "authorized"):
            return None
        if status == "cod" and self.oms_channel_id.allow_cod:
            return None
        if status == "cod":
            return self.env._("The channel does not allow cash on delivery.")
        # sudo: credit figures need accounting rights; the check is the system's.
        partner = self.partner_id.commercial_partner_id.sudo()
        if self.payment_term_id and partner.credit_limit:
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

    def _oms_payment_review_reason(self):
        """Why the payment must be reviewed by a person before the check trusts it
        (e.g. it came from a correction of the channel's message), or False; a hook."""
        return False

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
        amount = self._oms_amount_company()
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
            if batch.history is None:
                batch.history = batch.orders._oms_order_history()
            history = batch.history
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
        if batch is not None and products <= batch.products:
            stock = batch.stock
        else:
            stock = self._oms_free_stock(products)
        free = {}
        for product_id in products.ids:
            free[product_id] = sum(
                max(stock.get((warehouse_id, product_id), 0.0), 0.0)
                for warehouse_id in warehouse_ids
            )
        return free
