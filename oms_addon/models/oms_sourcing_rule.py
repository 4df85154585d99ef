# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..lib import sourcing

FLAG_FILTER = [("any", "Any"), ("yes", "Yes"), ("no", "No")]


class OmsSourcingRule(models.Model):
    """Which warehouses ship an order, and how: ordered rules, first match wins,
    a catch-all last."""

    _name = "oms.sourcing.rule"
    _description = "Sourcing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Conditions: an empty condition matches everything.
    channel_ids = fields.Many2many("oms.channel", string="Channels", check_company=True)
    country_ids = fields.Many2many("res.country", string="Destination Countries")
    state_ids = fields.Many2many("res.country.state", string="Destination States")
    product_category_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Matches when any line's product is in one of these categories (or below).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_amount = fields.Monetary(
        string="Minimum Amount", help="Order total in the company's currency; 0: no minimum."
    )
    max_amount = fields.Monetary(
        string="Maximum Amount", help="Order total in the company's currency; 0: no maximum."
    )
    vip_filter = fields.Selection(FLAG_FILTER, string="VIP", default="any", required=True)
    gift_filter = fields.Selection(FLAG_FILTER, string="Gift", default="any", required=True)
    priority_filter = fields.Selection(FLAG_FILTER, string="Priority", default="any", required=True)
    # What the rule does.
    strategy = fields.Selection(
        list(sourcing.STRATEGY_LABELS.items()),
        required=True,
        default="nearest",
        help="Nearest warehouse: great-circle distance to the shipping address. Ship "
        "complete: one warehouse with every line first. Most stock, lowest estimated "
        "shipping cost, or the order of the warehouses listed.",
    )
    warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="The warehouses the rule may ship from, in priority order (their sequence); "
        "empty: every warehouse of the company.",
    )
    allow_split = fields.Boolean(default=True, help="Several warehouses may ship one order.")
    max_shipments = fields.Integer(help="At most this many deliveries; 0: no limit.")

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_rule_for(self, order, rules=None):
        """The first active rule of the order's company that matches it; ``rules``:
        the candidate rules already read (in their order), or their ``_match_table()`` when
        many orders are matched against them, to spare queries and reads."""
        if rules is None:
            rules = self.search([("company_id", "=", order.company_id.id)])
        table = rules if isinstance(rules, list) else rules._match_table()
        company_id = order.company_id.id
        return next(
            (
                rule
                for rule, rule_company_id, conditional in table
                if rule_company_id == company_id and (not conditional or rule._matches(order))
            ),
            self.browse(),
        )

    def _match_table(self):
        """``[(rule, company id, whether it has conditions)]`` of these rules, in
        their order: a rule without conditions matches every order of its company."""
        return [(rule, rule.company_id.id, rule._has_conditions()) for rule in self]

    def _has_conditions(self):
        """Whether ``_matches`` must look at the order; a hook to extend with it."""
        self.ensure_one()
        return bool(
            self.channel_ids
            or self.country_ids
            or self.state_ids
            or self.product_category_ids
            or self.min_amount
            or self.max_amount
            or {self.vip_filter, self.gift_filter, self.priority_filter} != {"any"}
        )

    def _matches(self, order):
        """Whether this rule's conditions all hold for ``order``; a hook to extend."""
        self.ensure_one()
        # Cheapest conditions first, and the order read only for those set.
        if not (
            (not self.channel_ids or order.oms_channel_id in self.channel_ids)
            and (not self.country_ids or order.partner_shipping_id.country_id in self.country_ids)
            and (not self.state_ids or order.partner_shipping_id.state_id in self.state_ids)
            and _flag_matches(self.vip_filter, order, "oms_is_vip")
            and _flag_matches(self.gift_filter, order, "oms_is_gift")
            and _flag_matches(self.priority_filter, order, "oms_is_priority")
        ):
            return False
        if self.min_amount or self.max_amount:
            amount = order._oms_amount_company()
            if (self.min_amount and amount < self.min_amount) or (
                self.max_amount and amount > self.max_amount
            ):
                return False
        return not self.product_category_ids or self._matches_categories(order)

    def _matches_categories(self, order):
        categories = order.order_line.product_id.categ_id
        return bool(
            self.env["product.category"].search_count(
                [("id", "in", categories.ids), ("id", "child_of", self.product_category_ids.ids)],
                limit=1,
            )
        )

    def _get_warehouses(self, company):
        """The warehouses this rule ships from, in priority order."""
        if self and self.warehouse_ids:
            return self.warehouse_ids.sorted(lambda w: (w.sequence, w.id))
        return self.env["stock.warehouse"].search([("company_id", "=", company.id)])


def _flag_matches(flag_filter, order, fname):
    return flag_filter == "any" or (flag_filter == "yes") == bool(order[fname])
