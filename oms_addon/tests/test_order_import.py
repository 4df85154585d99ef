# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import io
import json
from datetime import datetime

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..lib import tabular
from .common import OmsCase

# Row numbers as a spreadsheet shows them: the header is row 1.
ORDERS_CSV = b"""\
order_reference,currency,customer_name,customer_email,ship_street,ship_city,ship_zip,ship_country,sku,quantity,unit_price,discount,shipping_method,shipping_amount
IMP-1,EUR,Marie Dupont,marie.dupont@example.com,12 rue de la Paix,Paris,75002,FR,OMS-T-TEE,2,19.90,10,standard,4.90
IMP-1,,,,,,,,OMS-T-MUG,1,12.50,,,
IMP-2,,John Smith,john.smith@example.com,1 Main St,Springfield,62701,US,IMP-COFFEE,1.5,28.00,,,
IMP-3,USD,Ann Lee,ann.lee@example.com,5 Elm St,Boston,02101,US,OMS-NOPE,1,5.00,,,
,USD,Bob Stone,bob.stone@example.com,7 Oak St,Austin,73301,US,OMS-T-TEE,1,19.90,,,
IMP-4,USD,Ann Lee,ann.lee@example.com,5 Elm St,Boston,02101,US,OMS-T-TEE,1.5,19.90,,,
IMP-5,USD,Carl Berg,carl.berg@example.com,9 Pine St,Denver,80201,US,OMS-T-TEE,1,19.90,,,
IMP-5,EUR,Carl Berg,carl.berg@example.com,9 Pine St,Denver,80201,US,OMS-T-MUG,1,12.50,,,
"""  # noqa: E501 - a CSV file reads best one row per line


def lines_of(order):
    return [(line.product_id, line.product_uom_qty, line.price_unit) for line in order.order_line]


class OrderImportCase(OmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An unreadable file is logged in a transaction of its own (a new cursor); in
        # test mode that cursor runs inside the test's transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.usd = cls.env.ref("base.USD")
        kg = cls.env.ref("uom.product_uom_kgm")
        cls.coffee = cls.env["product.product"].create(
            {
                "name": "Test Coffee",
                "default_code": "IMP-COFFEE",
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "list_price": 30.0,
                "taxes_id": [],
            }
        )
        # After the web channel in sequence: the default must pick it by its type.
        cls.csv_channel = cls.env["oms.channel"].create(
            {
                "name": "Test Spreadsheets",
                "code": "test-csv",
                "channel_type": "csv",
                "sequence": 20,
                "currency_id": cls.usd.id,
            }
        )
        cls.other_oms_user = new_test_user(
            cls.env, login="oms_user_2", groups="base.group_user,oms_addon.group_oms_user"
        )

    # ------------------------------------------------------------------
    def new_wizard(self, content, filename="orders.csv", **options):
        """The wizard as an OMS user fills it in: default channel, the file, the
        reading options given (the others as the channel says)."""
        model = self.env["oms.order.import"].with_user(self.oms_user)
        with Form(model.with_context(default_filename=filename)) as form:
            self.assertEqual(form.channel_id, self.csv_channel)
            form.file = base64.b64encode(content)
            for name, value in options.items():
                setattr(form, name, value)
        return form.record

    def import_file(self, content, filename="orders.csv", **options):
        wizard = self.new_wizard(content, filename, **options)
        self.assertEqual(wizard.action_preview()["res_id"], wizard.id)
        self.assertEqual(wizard.state, "preview")
        action = wizard.action_import()
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(wizard.state, "result")
        return wizard

    def import_refused(self, content, filename, **options):
        """The UserError message of an import that is refused.

        Not assertRaises: its savepoint would also undo the intake the wizard logged
        in its own transaction, which a real request keeps.
        """
        wizard = self.new_wizard(content, filename, **options)
        try:
            wizard.action_import()
        except UserError as error:
            return str(error)
        self.fail("the import should have been refused")

    def intake_of(self, wizard, reference):
        return wizard.intake_ids.filtered(lambda intake: intake.external_ref == reference)

    def channel_orders(self):
        return self.env["sale.order"].search([("oms_channel_id", "=", self.csv_channel.id)])


@tagged("post_install", "-at_install")
class TestOrderImport(OrderImportCase):
    def test_csv_orders_created_bad_rows_logged_with_row_numbers(self):
        wizard = self.import_file(ORDERS_CSV)

        # Two orders, as the file says.
        orders = self.channel_orders()
        self.assertEqual(sorted(orders.mapped("oms_channel_ref")), ["IMP-1", "IMP-2"])
        self.assertEqual(wizard.order_ids, orders)
        self.assertEqual(wizard.order_count, 2)
        first = orders.filtered(lambda order: order.oms_channel_ref == "IMP-1")
        self.assertEqual(first.partner_id.name, "Marie Dupont")
        self.assertEqual(first.partner_id.email, "marie.dupont@example.com")
        self.assertEqual(first.partner_shipping_id.city, "Paris")
        self.assertEqual(first.partner_shipping_id.country_id.code, "FR")
        self.assertEqual(first.currency_id, self.eur)
        tee_line = first.order_line.filtered(lambda line: line.product_id == self.tee)
        self.assertEqual(
            (tee_line.product_uom_qty, tee_line.price_unit, tee_line.discount), (2, 19.9, 10)
        )
        mug_line = first.order_line.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual((mug_line.product_uom_qty, mug_line.price_unit), (1, 12.5))
        delivery = first.order_line.filtered("is_delivery")
        self.assertEqual(delivery.price_unit, 4.9)
        self.assertEqual(first.carrier_id, self.carrier, "shipping_method 'standard'")
        self.assertEqual(len(first.order_line), 3)
        second = orders - first
        self.assertEqual(second.partner_id.name, "John Smith")
        self.assertEqual(second.currency_id, self.usd, "no currency in the file: the channel's")
        self.assertEqual(
            lines_of(second),
            [(self.coffee, 1.5, 28.0)],
            "1.5 kg is a quantity coffee is sold in",
        )

        # Every order of the file and every bad row is in the intake log.
        intakes = wizard.intake_ids
        self.assertEqual(len(intakes), 6)
        self.assertEqual(set(intakes.mapped("source")), {"file"})
        self.assertEqual(first.oms_intake_id, self.intake_of(wizard, "IMP-1"))
        self.assertEqual(self.intake_of(wizard, "IMP-1").source_detail, "orders.csv rows 2-3")
        self.assertEqual(self.intake_of(wizard, "IMP-2").state, "done")
        unknown_sku = self.intake_of(wizard, "IMP-3")
        self.assertEqual(
            (unknown_sku.state, unknown_sku.reason_code), ("quarantined", "unknown_sku")
        )
        self.assertIn("OMS-NOPE", unknown_sku.reason)
        self.assertEqual(unknown_sku.source_detail, "orders.csv row 5")
        fractional = self.intake_of(wizard, "IMP-4")
        self.assertEqual(
            (fractional.state, fractional.reason_code), ("quarantined", "fractional_quantity")
        )
        no_reference = intakes.filtered(lambda intake: not intake.external_ref)
        self.assertEqual(
            (no_reference.state, no_reference.reason_code),
            ("rejected", "missing_order_reference"),
        )
        self.assertEqual(no_reference.source_detail, "orders.csv row 6")
        self.assertIn("Row 6", no_reference.reason)
        self.assertEqual(
            json.loads(no_reference.body),
            [
                {
                    "_row": 6,
                    "currency": "USD",
                    "customer_name": "Bob Stone",
                    "customer_email": "bob.stone@example.com",
                    "ship_street": "7 Oak St",
                    "ship_city": "Austin",
                    "ship_zip": "73301",
                    "ship_country": "US",
                    "sku": "OMS-T-TEE",
                    "quantity": "1",
                    "unit_price": "19.90",
                }
            ],
            "the row is kept as read",
        )
        conflicting = self.intake_of(wizard, "IMP-5")
        self.assertEqual(
            (conflicting.state, conflicting.reason_code), ("rejected", "conflicting_order_value")
        )
        self.assertEqual(conflicting.source_detail, "orders.csv rows 8-9")
        self.assertIn("Row 9", conflicting.reason)
        self.assertIn("currency", conflicting.reason)
        self.assertEqual([row["_row"] for row in json.loads(conflicting.body)], [8, 9])
        self.assertEqual(
            (wizard.quarantined_count, wizard.rejected_count, wizard.duplicate_count), (2, 2, 0)
        )
        self.assertEqual(wizard.row_error_count, 2)

        # The file is stored once, attached to the log, readable by other OMS users.
        attachment = intakes.attachment_id
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.name, "orders.csv")
        self.assertEqual(attachment.with_user(self.other_oms_user).raw, ORDERS_CSV)

        # The result says it all, with the row numbers.
        result = wizard.result_html
        self.assertIn("2 order(s) created", result)
        self.assertIn("2 quarantined", result)
        self.assertIn("Row 6 has no order_reference", result)
        self.assertIn("Row 9 disagrees with an earlier row of order IMP-5", result)
        self.assertIn("<td>5</td><td>IMP-3</td><td>Quarantined</td>", result)
        self.assertIn("OMS-NOPE", result)
        self.assertIn(first.name, result)

        # Its buttons open the orders and the intake records of this import.
        action = wizard.action_open_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), orders)
        action = wizard.action_open_intakes()
        self.assertEqual(self.env["oms.intake"].search(action["domain"]), intakes)

    def test_same_file_again_gives_duplicates_not_orders(self):
        self.import_file(ORDERS_CSV)
        orders = self.channel_orders()
        self.assertEqual(len(orders), 2)

        again = self.import_file(ORDERS_CSV)

        self.assertEqual(self.channel_orders(), orders, "no new order")
        self.assertFalse(again.order_ids)
        for reference in ("IMP-1", "IMP-2"):
            intake = self.intake_of(again, reference)
            self.assertEqual((intake.state, intake.reason_code), ("duplicate", "duplicate_order"))
            self.assertEqual(intake.order_id.oms_channel_ref, reference)
        self.assertEqual(self.intake_of(again, "IMP-3").state, "quarantined")
        self.assertEqual(
            (again.order_count, again.duplicate_count, again.quarantined_count), (0, 2, 2)
        )
        self.assertIn("0 order(s) created", again.result_html)
        self.assertIn("2 already imported (duplicates)", again.result_html)

    def test_xlsx_file(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(
            [
                "Order_Reference",
                "date_order",
                "customer_name",
                "customer_email",
                "ship_street",
                "ship_city",
                "ship_country",
                "sku",
                "barcode",
                "quantity",
                "unit_price",
            ]
        )
        sheet.append(
            [
                1001,
                datetime(2026, 11, 20, 10, 15),
                "Marie Dupont",
                "marie.dupont@example.com",
                "12 rue de la Paix",
                "Paris",
                "FR",
                "OMS-T-TEE",
                None,
                3,
                19.9,
            ]
        )
        sheet.append([1001, None, None, None, None, None, None, None, "4006381333931", 2, 12.5])
        content = io.BytesIO()
        workbook.save(content)

        wizard = self.import_file(content.getvalue(), "orders.xlsx")

        order = wizard.order_ids
        self.assertEqual(order.oms_channel_ref, "1001")
        self.assertEqual(order.date_order, datetime(2026, 11, 20, 10, 15))
        self.assertEqual(order.currency_id, self.usd)
        self.assertEqual(lines_of(order), [(self.tee, 3, 19.9), (self.mug, 2, 12.5)])
        self.assertEqual(wizard.intake_ids.source_detail, "orders.xlsx rows 2-3")
        self.assertEqual(wizard.intake_ids.attachment_id.raw, content.getvalue())
        self.assertIn("1 order(s) created", wizard.result_html)

    def test_unreadable_file_refused_and_logged(self):
        latin1 = "order_reference,customer_name\nL-1,José\n".encode("latin-1")
        message = self.import_refused(latin1, "latin1.csv", encoding="utf-8")
        self.assertIn("latin1.csv cannot be imported", message)
        self.assertIn("not UTF-8", message)
        self.assertIn("line 2", message)
        intake = self.env["oms.intake"].search(
            [("channel_id", "=", self.csv_channel.id), ("source_detail", "=", "latin1.csv")]
        )
        self.assertEqual((intake.state, intake.reason_code), ("rejected", "not_utf8"))
        self.assertIn(intake.display_name, message)
        self.assertIn("L-1,Jos\\xe9", intake.body)
        self.assertEqual(intake.attachment_id.raw, latin1, "the file is kept as it came")
        self.assertEqual(
            self.csv_channel.import_encoding, "auto", "the options of a refused file are not kept"
        )

        message = self.import_refused(b"order_reference,skuu\nU-1,OMS-T-TEE\n", "typo.csv")
        self.assertIn("'skuu' (did you mean sku?)", message)
        intake = self.env["oms.intake"].search([("source_detail", "=", "typo.csv")])
        self.assertEqual((intake.state, intake.reason_code), ("rejected", "invalid_shape"))
        self.assertFalse(self.channel_orders())

    def test_no_file_or_no_rows(self):
        wizard = self.env["oms.order.import"].with_user(self.oms_user).create({})
        with self.assertRaisesRegex(UserError, "Choose the CSV or XLSX file"):
            wizard.action_import()
        wizard = self.new_wizard(b"order_reference,sku\n")
        with self.assertRaisesRegex(UserError, "holds no order"):
            wizard.action_import()

    def test_template_is_a_readable_example_and_help_lists_every_column(self):
        wizard = self.new_wizard(tabular.template_csv(), "oms_orders_template.csv")
        self.assertEqual(base64.b64decode(wizard.template_file), tabular.template_csv())
        wizard.action_import()
        intake = wizard.intake_ids
        self.assertEqual(intake.external_ref, "WEB-1001")
        self.assertEqual(
            (intake.state, intake.reason_code),
            ("quarantined", "unknown_sku"),
            "the example's only problem is its made-up products",
        )
        arch = self.env["oms.order.import"].get_view()["arch"]
        for column in tabular.COLUMNS:
            self.assertIn(f"<code>{column}</code>", arch)


# The same orders as shops in Russia, Turkey and Israel save them from Excel: ";",
# decimal commas, thousands dots or no-break spaces, day.month.year dates.
LOCAL_CSV = """\
order_reference;currency;customer_name;ship_street;ship_city;ship_zip;ship_country;sku;quantity;unit_price;discount;shipping_method;shipping_amount;date_order
{p}-1;EUR;{name};{street};{city};{zip};{country};OMS-T-TEE;2;9,90;10;standard;4,90;20.11.2026 10:15
{p}-1;;;;;;;OMS-T-MUG;1;1.234,50;;;;
{p}-2;EUR;{name2};{street};{city};{zip};{country};OMS-T-MUG;3;1\u00a0234,5;;;;21.11.2026
"""
LOCAL_TEXTS = {
    "windows-1251": {
        "p": "RU", "name": "Иван Петров", "name2": "Мария Смирнова",
        "street": "ул. Тверская, 7", "city": "Москва", "zip": "125009", "country": "RU",
    },
    "windows-1254": {
        "p": "TR", "name": "Ayşe Yılmaz", "name2": "Doğan Şahin",
        "street": "İstiklal Caddesi 5", "city": "İstanbul", "zip": "34430", "country": "TR",
    },
    "windows-1255": {
        "p": "HE", "name": "דוד כהן", "name2": "שרה לוי",
        "street": "רחוב הרצל 3", "city": "תל אביב", "zip": "6100000", "country": "IL",
    },
    # Only UTF-8 holds the three alphabets at once.
    "utf-8": {
        "p": "U8", "name": "Иван Yılmaz", "name2": "שרה Şahin",
        "street": "İstiklal 5", "city": "ירושלים", "zip": "9100000", "country": "IL",
    },
}  # fmt: skip


def local_csv(encoding):
    text = LOCAL_CSV.format(**LOCAL_TEXTS[encoding])
    return text.encode("utf-8-sig" if encoding == "utf-8" else encoding)


@tagged("post_install", "-at_install")
class TestOrderImportFormats(OrderImportCase):
    """Files as people make them: Windows code pages, ";", decimal commas."""

    def summary(self, wizard):
        """The orders of an import as a user compares them, without the file's prefix."""
        return [
            (
                order.oms_channel_ref.split("-")[1],
                order.date_order,
                round(order.amount_untaxed, 2),
                [
                    (line.product_id, line.product_uom_qty, line.price_unit, line.discount)
                    for line in order.order_line
                    if not line.is_delivery
                ],
            )
            for order in wizard.order_ids.sorted("oms_channel_ref")
        ]

    def test_windows_code_pages_and_utf8_bom_import_the_same_orders(self):
        summaries = {}
        for encoding, texts in LOCAL_TEXTS.items():
            with self.subTest(encoding=encoding):
                wizard = self.import_file(local_csv(encoding), f"{encoding}.csv")

                self.assertIn("2 order(s) created", wizard.result_html)
                first, second = wizard.order_ids.sorted("oms_channel_ref")
                self.assertEqual(first.oms_channel_ref, f"{texts['p']}-1")
                self.assertEqual(first.partner_id.name, texts["name"])
                self.assertEqual(second.partner_id.name, texts["name2"])
                self.assertEqual(first.partner_shipping_id.city, texts["city"])
                self.assertEqual(first.partner_shipping_id.street, texts["street"])
                self.assertEqual(first.carrier_id, self.carrier)
                self.assertEqual(first.order_line.filtered("is_delivery").price_unit, 4.9)
                self.assertEqual(
                    wizard.intake_ids.attachment_id.raw,
                    local_csv(encoding),
                    "the file is kept byte for byte",
                )
                summaries[encoding] = self.summary(wizard)
        expected = [
            (
                "1",
                datetime(2026, 11, 20, 10, 15),
                1257.22,  # 2 x 9.90 - 10 %, 1 234.50, shipping 4.90
                [(self.tee, 2, 9.9, 10), (self.mug, 1, 1234.5, 0)],
            ),
            ("2", datetime(2026, 11, 21), 3703.5, [(self.mug, 3, 1234.5, 0)]),
        ]
        for encoding, summary in summaries.items():
            self.assertEqual(summary, expected, encoding)

    def test_preview_shows_how_the_file_is_read_and_logs_nothing(self):
        intake_count = self.env["oms.intake"].search_count([])
        wizard = self.new_wizard(local_csv("windows-1251"), "ru.csv")
        wizard.action_preview()

        html = wizard.preview_html
        self.assertIn("Encoding: <strong>Windows-1251 (Cyrillic)</strong> (detected)", html)
        self.assertIn("Separator: <strong>Semicolon ( ; )</strong> (detected)", html)
        self.assertIn("Decimal separator: <strong>Comma ( 9,90 )</strong>", html)
        self.assertIn("3 row(s) below the header", html)
        self.assertIn("<td>Иван Петров</td>", html)
        self.assertIn("<td>1234.50</td>", html, "the price as it will be imported")
        self.assertEqual(self.env["oms.intake"].search_count([]), intake_count)

        # Choosing another encoding shows at once what it would read.
        with Form(wizard) as form:
            form.encoding = "windows-1252"
            self.assertNotIn("Иван Петров", form.preview_html)
            self.assertIn("Windows-1252 (Western European)</strong><", form.preview_html)
            form.encoding = "auto"
            form.decimal_separator = "dot"
            self.assertIn("unit_price &#39;9,90&#39; is not a number", form.preview_html)
        self.assertEqual(self.env["oms.intake"].search_count([]), intake_count)

        wizard.write({"file": base64.b64encode(b"\x00\x01PK garbage"), "encoding": "utf-8"})
        self.assertIn("ru.csv cannot be imported", wizard.preview_html)

    def test_cells_are_data_escaped_wherever_shown(self):
        content = (
            "order_reference;customer_name;ship_street;ship_city;ship_country;sku;quantity;"
            "unit_price\n"
            'F-1;=HYPERLINK("http://x","<b>y</b>");@home;-5 apples;FR;OMS-T-TEE;1;9,90\n'
        ).encode("windows-1252")
        wizard = self.new_wizard(content, "formula.csv")
        wizard.action_preview()
        self.assertIn(
            "=HYPERLINK(&#34;http://x&#34;,&#34;&lt;b&gt;y&lt;/b&gt;&#34;)", wizard.preview_html
        )
        self.assertNotIn("<b>y</b>", wizard.preview_html)

        wizard.action_import()

        order = wizard.order_ids
        self.assertEqual(order.partner_id.name, '=HYPERLINK("http://x","<b>y</b>")')
        self.assertEqual(order.partner_shipping_id.street, "@home")
        self.assertEqual(order.partner_shipping_id.city, "-5 apples")

    def test_options_are_kept_per_channel(self):
        web_options = self.channel.read(["import_encoding", "import_decimal_separator"])
        wizard = self.import_file(
            local_csv("windows-1254"),
            "tr.csv",
            encoding="windows-1254",
            separator="semicolon",
            decimal_separator="comma",
            thousands_separator="dot",
            date_format="%d.%m.%Y",
        )
        self.assertEqual(len(wizard.order_ids), 2)

        self.assertRecordValues(
            self.csv_channel,
            [
                {
                    "import_encoding": "windows-1254",
                    "import_separator": "semicolon",
                    "import_decimal_separator": "comma",
                    "import_thousands_separator": "dot",
                    "import_date_format": "%d.%m.%Y",
                }
            ],
        )
        self.assertEqual(
            self.channel.read(["import_encoding", "import_decimal_separator"]), web_options
        )
        # The next import into the channel starts from them.
        with Form(self.env["oms.order.import"].with_user(self.oms_user)) as form:
            self.assertEqual((form.encoding, form.date_format), ("windows-1254", "%d.%m.%Y"))
            form.channel_id = self.channel
            self.assertEqual((form.encoding, form.date_format), ("auto", "auto"))

    def test_only_oms_users_import_and_only_by_importing_change_the_options(self):
        with self.assertRaises(AccessError):
            self.env["oms.order.import"].with_user(self.sales_user).create(
                {"channel_id": self.csv_channel.id, "file": base64.b64encode(ORDERS_CSV)}
            )
        wizard = self.new_wizard(ORDERS_CSV)
        with self.assertRaises(AccessError):
            wizard.with_user(self.sales_user).action_import()
        with self.assertRaises(AccessError):
            self.csv_channel.with_user(self.oms_user).import_encoding = "windows-1251"
        self.assertFalse(self.channel_orders())


@tagged("post_install", "-at_install")
class TestOrderImportTemplateDownload(HttpCase):
    def test_download_template(self):
        user = new_test_user(
            self.env, login="oms_importer", groups="base.group_user,oms_addon.group_oms_user"
        )
        wizard = self.env["oms.order.import"].with_user(user).create({})
        action = wizard.action_download_template()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("oms_importer", "oms_importer")

        response = self.url_open(action["url"])

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, tabular.template_csv())
        self.assertIn("oms_orders_template.csv", response.headers["Content-Disposition"])
        self.assertIn("attachment", response.headers["Content-Disposition"])


@tagged("post_install", "-at_install")
class TestOrderImportOptionsShown(OmsCase):
    def test_reading_options_are_offered_in_the_web_client(self):
        """The web client reads selections in the user's language, from the options
        Odoo stored at install: each reading option offers its choices there."""
        for model, names in (
            (
                "oms.order.import",
                ("encoding", "separator", "decimal_separator", "thousands_separator"),
            ),
            ("oms.channel", ("import_encoding", "import_separator", "import_date_format")),
        ):
            described = self.env[model].with_context(lang="en_US").fields_get(names)
            for name in names:
                with self.subTest(model=model, field=name):
                    values = [value for value, _label in described[name]["selection"]]
                    self.assertIn("auto", values)
                    self.assertGreater(len(values), 1)
