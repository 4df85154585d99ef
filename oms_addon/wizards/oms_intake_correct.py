# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class OmsIntakeCorrect(models.TransientModel):
    """The text of a corrected message, saved as a new version of the intake."""

    _name = "oms.intake.correct"
    _description = "Correct an Intake Message"

    intake_id = fields.Many2one("oms.intake", required=True, readonly=True)
    body = fields.Text(string="Corrected Message", required=True)
    note = fields.Char(string="Why", help="What was wrong, for whoever reads the history.")
    retry = fields.Boolean(string="Retry Now", default=True)

    def action_save(self):
        """Record the correction (who and when) and, if asked, process it again."""
        self.ensure_one()
        self.intake_id._add_version(self.body, self.note)
        if self.retry:
            self.intake_id.action_retry()
        return {"type": "ir.actions.act_window_close"}
