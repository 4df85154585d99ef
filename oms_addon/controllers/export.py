# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Exports where a cell is data, never a formula.

Odoo's XLSX export hands strings to xlsxwriter's ``write``, which turns a string
starting with ``=`` into a formula; its CSV export escapes ``=`` ``+`` ``-`` but not
``@``, a tab or a carriage return. Order data comes from customers and channels, so a
name like ``=HYPERLINK(...)`` must reach the spreadsheet as the text it is.
"""

from odoo.addons.web.controllers.export import (
    CSVExport,
    ExcelExport,
    ExportXlsxWriter,
    GroupExportXlsxWriter,
)

from ..lib import tabular_formats as formats


class FormulaSafeXlsxWriterMixin:
    """Write text that looks like a formula as a plain string."""

    def write(self, row, column, cell_value, style=None):
        if formats.looks_like_formula(cell_value) or (
            isinstance(cell_value, str) and cell_value.startswith("{=")
        ):
            return self.worksheet.write_string(row, column, cell_value, style)
        return super().write(row, column, cell_value, style)


class FormulaSafeExportXlsxWriter(FormulaSafeXlsxWriterMixin, ExportXlsxWriter):
    pass


class FormulaSafeGroupExportXlsxWriter(FormulaSafeXlsxWriterMixin, GroupExportXlsxWriter):
    pass


class OmsExcelExport(ExcelExport):
    # Odoo's two methods, with the formula-safe writers in place of its writers.
    def from_group_data(self, fields, columns_headers, groups):
        with FormulaSafeGroupExportXlsxWriter(fields, columns_headers, groups.count) as writer:
            x, y = 1, 0
            for group_name, group in groups.children.items():
                x, y = writer.write_group(x, y, group_name, group)
        return writer.value

    def from_data(self, fields, columns_headers, rows):
        with FormulaSafeExportXlsxWriter(fields, columns_headers, len(rows)) as writer:
            for row_index, row in enumerate(rows):
                for cell_index, cell_value in enumerate(row):
                    writer.write_cell(row_index + 1, cell_index, cell_value)
        return writer.value


class OmsCSVExport(CSVExport):
    def from_data(self, fields, columns_headers, rows):
        # Escaped here with a leading quote, as Odoo escapes = + -, which it then
        # leaves alone.
        return super().from_data(
            fields,
            [formats.formula_safe(header) for header in columns_headers],
            [[formats.formula_safe(cell) for cell in row] for row in rows],
        )
