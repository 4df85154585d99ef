# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class OmsIntakeVersion(models.Model):
    """A person's correction of a received message: a new version of it, with who
    wrote it and when. The received bytes are never replaced; processing reads the
    latest version. History: made by ``oms.intake._add_version`` only, never
    changed or deleted."""

    _name = "oms.intake.version"
    _description = "Intake Message Correction"
    _order = "intake_id, sequence desc, id desc"
    _rec_name = "sequence"
    _check_company_auto = True

    intake_id = fields.Many2one(
        "oms.intake", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="intake_id.company_id", store=True, index=True)
    sequence = fields.Integer(string="Version", readonly=True)
    body = fields.Text(string="Corrected Message", required=True, readonly=True)
    note = fields.Char(string="Why", readonly=True)
    author_id = fields.Many2one("res.users", string="Corrected By", required=True, readonly=True)
    create_date = fields.Datetime(string="Corrected On", readonly=True)

    # ------------------------------------------------------------------
    # CRUD: history, written by the system only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Corrections are made with the Correct button."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A correction is history: it cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(self.env._("A correction is history: it cannot be deleted."))
        return super().unlink()
