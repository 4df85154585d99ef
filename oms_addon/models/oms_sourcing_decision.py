# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..lib import sourcing

REASON_LABELS = {
    "complete": "Complete",
    "split": "Split",
    "nothing_to_ship": "Nothing to Ship",
    "no_warehouse": "No Warehouse",
    "unavailable": "Unavailable",
    "split_not_allowed": "Split Not Allowed",
    "too_many_shipments": "Too Many Shipments",
}


class OmsSourcingDecision(models.Model):
    """One sourcing run of an order: the rule, the outcome and why, in plain words.

    Every run adds one (confirmation, pre-processing, Source Again), so the order
    keeps the history of where it was meant to ship from and why; the order shows
    the latest. Decisions are written by sourcing, never by hand.
    """

    _name = "oms.sourcing.decision"
    _description = "Sourcing Decision"
    _order = "id desc"

    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    rule_id = fields.Many2one("oms.sourcing.rule", readonly=True)
    strategy = fields.Selection(list(sourcing.STRATEGY_LABELS.items()), readonly=True)
    reason = fields.Selection(
        [(reason, REASON_LABELS[reason]) for reason in sourcing.REASONS],
        string="Outcome",
        required=True,
        readonly=True,
    )
    feasible = fields.Boolean(readonly=True)
    explanation = fields.Text(readonly=True)

    def _compute_display_name(self):
        for decision in self:
            decision.display_name = "%s: %s" % (
                decision.order_id.name,
                dict(self._fields["reason"]._description_selection(self.env)).get(
                    decision.reason, ""
                ),
            )
