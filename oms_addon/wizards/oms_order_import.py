# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import json

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..lib import tabular
from ..lib import tabular_formats as formats
from ..lib.canonical import Rejected

TEMPLATE_FILENAME = "oms_orders_template.csv"


def _reading_option(choices, help_text):
    """How the file is read in one respect: "Detect" unless chosen, the channel's
    last choice first (see ``_compute_reading_options``)."""
    return fields.Selection(
        formats.selection(choices),
        compute="_compute_reading_options",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help=help_text,
    )


# Every XLSX file is a zip archive; recognised even under a wrong file name.
_ZIP_MAGIC = b"PK\x03\x04"


class OmsOrderImport(models.TransientModel):
    """Import orders from a CSV or XLSX file, one row per order line.

    The file's encoding, separator, number and date formats are detected or chosen
    (the channel keeps the last choice), and a preview shows its first rows as they
    will be read. Every order of the file, every bad row and an unreadable file are
    logged in the intake log first (source "File Import"), like the messages of any
    channel; the orders are then processed at once and the last step shows what came
    of each.
    """

    _name = "oms.order.import"
    _description = "Import Orders from a File"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("result", "Result")],
        default="upload",
        required=True,
        readonly=True,
    )
    channel_id = fields.Many2one(
        "oms.channel",
        string="Sales Channel",
        required=True,
        default=lambda self: self._default_channel_id(),
        help="The channel the orders of the file come from. A channel has one order per "
        "reference: importing a file again logs its orders as duplicates.",
    )
    file = fields.Binary(help="A CSV or XLSX file, one row per order line.")
    filename = fields.Char()
    encoding = _reading_option(
        formats.ENCODINGS,
        "The encoding of a CSV file. Detect: a byte order mark, else UTF-8, else "
        "the Windows code page the text looks like.",
    )
    separator = _reading_option(
        formats.SEPARATORS,
        "What separates the columns of a CSV file.",
    )
    decimal_separator = _reading_option(
        formats.DECIMAL_SEPARATORS,
        "The decimal mark of quantities, prices and amounts written as text.",
    )
    thousands_separator = _reading_option(
        formats.THOUSANDS_SEPARATORS,
        "What groups the thousands of numbers written as text; spaces always do.",
    )
    date_format = _reading_option(
        formats.DATE_FORMATS,
        "How date_order is written when it is text.",
    )
    preview_html = fields.Html(
        string="Preview", compute="_compute_preview_html", sanitize=False, readonly=True
    )
    template_file = fields.Binary(compute="_compute_template_file")
    intake_ids = fields.Many2many("oms.intake", string="Intake Records", readonly=True)
    order_ids = fields.Many2many("sale.order", string="Created Orders", readonly=True)
    order_count = fields.Integer(string="Created", compute="_compute_counts")
    duplicate_count = fields.Integer(string="Duplicates", compute="_compute_counts")
    quarantined_count = fields.Integer(string="Quarantined", compute="_compute_counts")
    rejected_count = fields.Integer(string="Rejected", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed", compute="_compute_counts")
    row_error_count = fields.Integer(string="Rows with Errors", readonly=True)
    result_html = fields.Html(string="Result", readonly=True)

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_channel_id(self):
        return self.env["oms.channel"].search(self._get_default_channel_domain(), limit=1)

    @api.model
    def _get_default_channel_domain(self):
        return [("channel_type", "=", "csv"), ("company_id", "in", self.env.companies.ids)]

    @api.depends("channel_id")
    def _compute_reading_options(self):
        for wizard in self:
            channel = wizard.channel_id
            wizard.encoding = channel.import_encoding or formats.AUTO
            wizard.separator = channel.import_separator or formats.AUTO
            wizard.decimal_separator = channel.import_decimal_separator or formats.AUTO
            wizard.thousands_separator = channel.import_thousands_separator or formats.AUTO
            wizard.date_format = channel.import_date_format or formats.AUTO

    @api.depends(
        "state",
        "file",
        "filename",
        "encoding",
        "separator",
        "decimal_separator",
        "thousands_separator",
        "date_format",
    )
    def _compute_preview_html(self):
        for wizard in self:
            wizard.preview_html = (
                wizard._render_preview() if wizard.state == "preview" and wizard.file else False
            )

    def _compute_template_file(self):
        template = base64.b64encode(tabular.template_csv())
        for wizard in self:
            wizard.template_file = template

    @api.depends("order_ids", "intake_ids.state")
    def _compute_counts(self):
        for wizard in self:
            states = wizard.intake_ids.mapped("state")
            wizard.order_count = len(wizard.order_ids)
            wizard.duplicate_count = states.count("duplicate")
            wizard.quarantined_count = states.count("quarantined")
            wizard.rejected_count = states.count("rejected")
            wizard.failed_count = states.count("failed")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_preview(self):
        """Show how the file will be read: the encoding, separator and formats
        detected or chosen, and its first rows. Nothing is imported or logged."""
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose the CSV or XLSX file to import."))
        self.state = "preview"
        return self._get_reopen_action()

    def action_import(self):
        """Import the file into the chosen channel and show the result.

        Each order of the file (its rows grouped by order_reference) is logged as one
        intake and processed at once, as the intake job would: it becomes an order,
        or a duplicate, or stays quarantined with the reason. Rows that cannot be
        grouped into an order are logged as rejected intakes with their row numbers.
        A file that cannot be read at all is logged as one rejected intake and
        refused with a UserError saying why.
        """
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose the CSV or XLSX file to import."))
        content = base64.b64decode(self.file)
        filename = self.filename or "import.csv"
        try:
            table = tabular.read_table(
                content, self._get_reading_name(content, filename), self._get_read_options()
            )
        except Rejected as problem:
            intake_name = self._log_unreadable_file(content, filename, problem)
            raise UserError(
                _(
                    "%(file)s cannot be imported: %(problem)s\n\nNothing was imported. The "
                    "file is kept in the intake log as rejected message %(intake)s.",
                    file=filename,
                    problem=problem.message,
                    intake=intake_name,
                )
            ) from None
        logged, row_errors = self._receive_rows(table.rows, content, filename)
        self._save_read_options()
        intakes = self.env["oms.intake"].union(*(intake for _numbers, intake in logged))
        # The user waits for the outcome: process now, as the intake job would.
        # sudo: with the job's rights (it creates customers), so that an order's outcome
        # does not depend on who imported the file; the user may import into the channel.
        intakes.sudo().filtered(lambda intake: intake.state == "received").with_context(
            tracking_disable=True
        )._process()
        self.write(self._prepare_result_vals(logged, intakes, row_errors))
        return self._get_reopen_action()

    def action_download_template(self):
        """Download an example file: every column and the two rows of one order."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s/%s/template_file/%s?download=true"
            % (self._name, self.id, TEMPLATE_FILENAME),
            "target": "download",
        }

    def action_open_orders(self):
        """The orders this import created."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_addon.sale_order_action_oms")
        action["domain"] = [("id", "in", self.order_ids.ids)]
        action["context"] = {"create": False}
        if len(self.order_ids) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.order_ids.id)
        return action

    def action_open_intakes(self):
        """The intake records of this import, whatever their state."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("oms_addon.oms_intake_action")
        action["domain"] = [("id", "in", self.intake_ids.ids)]
        # Without the log's default "needs attention" filter: the done ones too.
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Reading options
    # ------------------------------------------------------------------
    def _get_read_options(self):
        return tabular.ReadOptions.from_dict(self._prepare_read_options_vals(prefix=""))

    def _prepare_read_options_vals(self, prefix="import_"):
        """The reading options as chosen, as values of the wizard (no prefix) or of
        the channel (``import_`` prefix)."""
        return {
            prefix + "encoding": self.encoding,
            prefix + "separator": self.separator,
            prefix + "decimal_separator": self.decimal_separator,
            prefix + "thousands_separator": self.thousands_separator,
            prefix + "date_format": self.date_format,
        }

    def _save_read_options(self):
        """Keep the options of a file that could be read as the channel's next choice."""
        self.channel_id.check_access("read")
        # sudo: OMS users may not edit channels; the way their files are written is
        # theirs to choose, and only these options are written.
        self.channel_id.sudo().write(self._prepare_read_options_vals())

    # ------------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------------
    @api.model
    def _get_reading_name(self, content, filename):
        """The file name ``tabular.read_rows`` chooses the reader by."""
        lowered = filename.lower()
        if lowered.endswith(".xls"):
            raise Rejected(
                "invalid_shape",
                "Old Excel .xls workbooks cannot be read; save the file as .xlsx or as "
                "CSV (UTF-8).",
            )
        if content.startswith(_ZIP_MAGIC) and not lowered.endswith(".xlsx"):
            return filename + ".xlsx"
        return filename

    def _receive_rows(self, rows, content, filename):
        """Log the orders the rows make and the rows that make none, the file attached
        to them; ([(row numbers, intake)] in the file's order, the row errors)."""
        groups, row_errors = tabular.group_orders(rows)
        if not groups and not row_errors:
            raise UserError(_("%(file)s holds no order below its header row.", file=filename))
        attachment = self.env["ir.attachment"].create(
            self._prepare_attachment_vals(content, filename)
        )
        logged = self._receive_orders(groups, filename, attachment)
        logged += self._receive_row_errors(rows, row_errors, filename, attachment)
        logged = sorted(
            ((numbers, intake.sudo(False)) for numbers, intake in logged), key=lambda e: e[0]
        )
        # Attached to the first message, the file is readable by whoever reads the log.
        attachment.res_id = logged[0][1].id
        return logged, row_errors

    def _intake_model(self):
        # sudo: OMS users may not write the intake log by hand; this wizard logs what
        # the file holds, as received, the way the API logs what a channel sends.
        return self.env["oms.intake"].sudo().with_company(self.channel_id.company_id)

    def _prepare_attachment_vals(self, content, filename):
        return {
            "name": filename,
            "raw": content,
            # res_id is set once the file's first intake exists.
            "res_model": "oms.intake",
            "description": _(
                "Orders imported into channel %(channel)s", channel=self.channel_id.name
            ),
        }

    def _receive_orders(self, groups, filename, attachment):
        """One intake per order of the file, its body the canonical order the rows
        make; [(row numbers, intake)]."""
        logged = []
        for group in groups:
            intake = self._intake_model()._receive_payloads(
                self.channel_id,
                [self._prepare_payload(group)],
                source="file",
                source_detail="%s %s" % (filename, _rows_label(group.rows)),
                attachment_id=attachment.id,
            )
            logged.append((group.rows, intake))
        return logged

    def _prepare_payload(self, group):
        """The canonical order of a group; in the channel's currency when the file
        does not say one."""
        payload = dict(group.data)
        if not payload.get("currency") and self.channel_id.currency_id:
            payload["currency"] = self.channel_id.currency_id.name
        return payload

    def _receive_row_errors(self, rows, row_errors, filename, attachment):
        """Rejected intakes for the rows that make no order, their body the rows as
        read: one per order left out for disagreeing rows (with all of its rows), one
        per row without order_reference; [(row numbers, intake)]."""
        rows_by_number = {row["_row"]: row for row in rows}
        errors_by_key = {}
        for error in row_errors:
            reference = rows_by_number[error.row]["order_reference"]
            errors_by_key.setdefault(reference or error.row, []).append(error)
        logged = []
        for key, errors in errors_by_key.items():
            if isinstance(key, str):
                reference, bad_rows = key, [r for r in rows if r["order_reference"] == key]
            else:
                reference, bad_rows = None, [rows_by_number[key]]
            numbers = [row["_row"] for row in bad_rows]
            problem = Rejected(errors[0].code, "\n".join(error.message for error in errors))
            intake = self._intake_model()._receive_rejected(
                self.channel_id,
                json.dumps([_row_values(row) for row in bad_rows], ensure_ascii=False, indent=1),
                problem,
                external_ref=reference,
                source="file",
                source_detail="%s %s" % (filename, _rows_label(numbers)),
                attachment_id=attachment.id,
            )
            logged.append((numbers, intake))
        return logged

    def _log_unreadable_file(self, content, filename, problem):
        """Log the file as one rejected intake with the file attached, in a transaction
        of its own since the UserError that follows rolls this one back; return the
        intake's name."""
        self.env.flush_all()
        with self.env.registry.cursor() as cr:
            wizard = self.with_env(self.env(cr=cr))
            attachment = wizard.env["ir.attachment"].create(
                wizard._prepare_attachment_vals(content, filename)
            )
            intake = wizard._intake_model()._receive_rejected(
                wizard.channel_id,
                _readable_text(content),
                problem,
                source="file",
                source_detail=filename,
                attachment_id=attachment.id,
            )
            attachment.res_id = intake.id
            return intake.display_name

    # ------------------------------------------------------------------
    # Result
    # ------------------------------------------------------------------
    def _prepare_result_vals(self, logged, intakes, row_errors):
        return {
            "state": "result",
            "intake_ids": [Command.set(intakes.ids)],
            "order_ids": [Command.set(intakes.filtered(lambda i: i.state == "done").order_id.ids)],
            "row_error_count": len(row_errors),
            "result_html": self._render_result(logged, intakes, row_errors),
        }

    def _render_result(self, logged, intakes, row_errors):
        """The result for the person who imported the file: the counts, one line per
        order of the file with its rows and outcome, then every row in no order."""
        labels = dict(self.env["oms.intake"]._fields["state"]._description_selection(self.env))
        states = intakes.mapped("state")
        counts = [_("%(count)s order(s) created", count=states.count("done"))]
        if "duplicate" in states:
            counts.append(
                _("%(count)s already imported (duplicates)", count=states.count("duplicate"))
            )
        if "quarantined" in states:
            counts.append(_("%(count)s quarantined", count=states.count("quarantined")))
        if "rejected" in states:
            counts.append(_("%(count)s rejected", count=states.count("rejected")))
        if "failed" in states:
            counts.append(_("%(count)s failed", count=states.count("failed")))
        if row_errors:
            counts.append(_("%(count)s row(s) with errors", count=len(row_errors)))
        level = "success" if set(states) == {"done"} else "warning"
        html = Markup('<div class="alert alert-%s" role="status"><strong>%s</strong>') % (
            level,
            " · ".join(counts),
        )
        if set(states) & {"quarantined", "rejected", "failed"}:
            html += Markup("<br/>%s") % _(
                "The orders not created wait in the Intake Log with the reason: fix the "
                "cause (a product, a carrier) and press Retry there, or correct the file "
                "and import it again."
            )
        html += Markup("</div>")
        orders = [(numbers, intake) for numbers, intake in logged if intake.external_ref]
        if orders:
            html += Markup("<h5>%s</h5>") % _("Orders in the file")
            html += _table(
                [_("Rows"), _("Reference"), _("Result"), _("Order"), _("Reason")],
                [
                    (
                        _rows_label(numbers, with_word=False),
                        intake.external_ref,
                        labels[intake.state],
                        intake.order_id.name or "",
                        intake.reason or "",
                    )
                    for numbers, intake in orders
                ],
            )
        if row_errors:
            html += Markup("<h5>%s</h5>") % _("Rows not imported")
            html += _table(
                [_("Row"), _("Problem")],
                [(str(error.row), error.message) for error in row_errors],
            )
        return html

    def _render_preview(self):
        """The options the file is read with and its first rows as read, or why it
        cannot be read."""
        content = base64.b64decode(self.with_context(bin_size=False).file)
        filename = self.filename or "import.csv"
        try:
            preview = tabular.preview(
                content, self._get_reading_name(content, filename), self._get_read_options()
            )
        except Rejected as problem:
            return Markup('<div class="alert alert-danger" role="alert">%s</div>') % self.env._(
                "%(file)s cannot be imported: %(problem)s", file=filename, problem=problem.message
            )
        return self._render_preview_options(preview) + self._render_preview_rows(preview)

    def _render_preview_options(self, preview):
        chosen = self._get_read_options()
        labels = preview.options.labels()
        names = {
            "encoding": self.env._("Encoding"),
            "separator": self.env._("Separator"),
            "decimal_separator": self.env._("Decimal separator"),
            "thousands_separator": self.env._("Thousands separator"),
            "date_format": self.env._("Date format"),
        }
        items = Markup("").join(
            Markup("<li>%s: <strong>%s</strong>%s</li>")
            % (
                label,
                labels[name],
                self.env._(" (detected)") if getattr(chosen, name) == formats.AUTO else "",
            )
            for name, label in names.items()
            if getattr(preview.options, name)
        )
        return Markup(
            '<div class="alert alert-info" role="status">%s<ul class="mb-0">%s</ul></div>'
        ) % (
            self.env._(
                "%(file)s is read as follows (%(count)s row(s) below the header):",
                file=self.filename or "import.csv",
                count=preview.row_count,
            ),
            items,
        )

    def _render_preview_rows(self, preview):
        html = Markup("<h5>%s</h5>") % self.env._(
            "First %(count)s row(s), as they will be imported", count=len(preview.rows)
        )
        return html + _table(
            [self.env._("Row"), *preview.columns, self.env._("Problems")],
            [
                (
                    str(row["_row"]),
                    *(row[column] or "" for column in preview.columns),
                    " ".join(preview.problems.get(row["_row"], [])),
                )
                for row in preview.rows
            ],
        )

    def _get_reopen_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Import Result"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }


# ----------------------------------------------------------------------
def _rows_label(numbers, with_word=True):
    """The rows as a spreadsheet numbers them: "row 4", "rows 2-3" or "rows 2-3, 7"."""
    spans = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    text = ", ".join(str(a) if a == b else "%s-%s" % (a, b) for a, b in spans)
    if not with_word:
        return text
    return ("row %s" if len(set(numbers)) == 1 else "rows %s") % text


def _row_values(row):
    """A row as read, without its empty cells."""
    return {column: value for column, value in row.items() if value is not None}


def _readable_text(content):
    """The file as text for the intake body: undecodable bytes and NULs (which
    PostgreSQL text refuses) escaped; the file itself is attached as it came."""
    if content.startswith(_ZIP_MAGIC):
        return "(A workbook, not text: see the original file attached.)"
    text = content.decode("utf-8", errors="backslashreplace")
    return text.replace("\x00", "\\x00")


def _table(headers, rows):
    head = Markup("").join(Markup("<th>%s</th>") % header for header in headers)
    body = Markup("").join(
        Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % cell for cell in row)
        for row in rows
    )
    return Markup(
        '<table class="table table-sm table-striped"><thead><tr>%s</tr></thead>'
        "<tbody>%s</tbody></table>"
    ) % (head, body)
