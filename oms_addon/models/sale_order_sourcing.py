# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sourcing of sale orders: which warehouse ships each line, and why.

The scoring is ``lib/sourcing.py`` (plain Python); this file reads what it needs
(lines, free stock, rules) in a few queries, asks it, and writes the decisions.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import sourcing


@dataclass
class SourcingBatch:
    """What checking and sourcing a batch of orders together reads once, and the
    caches the checks fill. Decisions made on it wait in ``decisions`` until
    ``sale.order._oms_write_decisions`` writes them."""

    orders: object  # sale.order recordset
    lines: dict  # {order id: [sourcing.Line]}
    products: object  # product.product recordset
    stock: dict  # {(warehouse id, product id): free quantity}, consumed as orders are sourced
    rules: object  # oms.sourcing.rule match table
    rule_of: dict = field(default_factory=dict)  # {order id: rule}
    sites: dict = field(default_factory=dict)  # {(rule id, company id): source() options}
    hold_types: dict = field(default_factory=dict)  # {check: oms.hold.type}
    decisions: dict = field(default_factory=dict)  # {order: (rule, sourcing.Decision)}
    history: dict | None = None  # {customer id: (orders ever, orders last hour)}


class SaleOrder(models.Model):
    # One file per capability of the model (STYLE.md), not one class for all.
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_oms_source(self):
        """Re-run sourcing: choose the warehouses again (e.g. after one ran out). On a
        confirmed order, the quantities not picked yet move to the new warehouses:
        their deliveries are cancelled and made again from there. OMS managers only."""
        if not self.env.user.has_group("oms_addon.group_oms_manager"):
            raise AccessError(self.env._("Only OMS managers may source an order again."))
        self.check_access("write")
        # sudo: decisions are written by the system only; the manager was checked above.
        orders = self.sudo()
        orders.filtered(lambda o: o.state in ("draft", "sent"))._oms_source()
        for order in orders.filtered(lambda o: o.state == "sale"):
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
        products = lines.product_id
        # The same lock as pre-processing: no other order takes these units between
        # reading them free and reserving them.
        self._oms_lock_stock(products.filtered("is_storable"))
        # What this order reserved counts as free for its own new decision.
        moves._do_unreserve()
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
        return SourcingBatch(
            orders=self,
            lines=lines,
            products=products,
            stock=self._oms_free_stock(products),
            rules=self.env["oms.sourcing.rule"]
            .search([("company_id", "in", self.company_id.ids)])
            ._match_table(),
        )

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
        decision = self._oms_decide(rule, batch.stock, batch=batch)
        batch.decisions[self] = (rule, decision)
        if decision.feasible:
            product_of = {line.key: line.product_id for line in batch.lines[self.id]}
            stock = batch.stock
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
        rule_of = batch.rule_of
        if self.id not in rule_of:
            rule_of[self.id] = rule_model._get_rule_for(self, batch.rules)
        return rule_of[self.id]

    def _oms_sourcing_options(self, rule, batch=None):
        """The arguments of ``sourcing.source()`` that ``rule`` gives for this
        order's company, but the lines, stock and destination (cached in ``batch``)."""
        key = (rule.id, self.company_id.id)
        if batch is not None and key in batch.sites:
            return batch.sites[key]
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
            batch.sites[key] = options
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
            source_lines = batch.lines[self.id]
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
        # sudo: decisions are history only the system writes.
        return (
            self.env["oms.sourcing.decision"]
            .sudo()
            .create(
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
        )

    def _oms_write_decisions(self, batch):
        """Write the batch's decisions: each order gets its decision record, each line
        its warehouse, the lines going to one warehouse in one write. (The order's
        own warehouse stays what the channel or the company says; it serves what
        sourcing does not handle, such as consumables.)"""
        decisions = batch.decisions
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
