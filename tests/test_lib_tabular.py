"""CSV / XLSX order import: reading rows, grouping them into canonical orders."""

import io
from datetime import datetime

import pytest
from oms_lib import canonical, tabular
from oms_lib import tabular_formats as formats
from oms_lib.canonical import Quarantined, Rejected
from oms_lib.tabular import ReadOptions

HEADER = (
    "order_reference,currency,customer_name,ship_street,ship_city,ship_zip,ship_country,"
    "sku,quantity,unit_price,discount"
)


def csv_bytes(*rows, header=HEADER, delimiter=","):
    lines = [header, *rows]
    return "\r\n".join(line.replace(",", delimiter) for line in lines).encode() + b"\r\n"


def read_and_group(content, filename="orders.csv"):
    return tabular.group_orders(tabular.read_rows(content, filename))


GOOD_CSV = csv_bytes(
    "WEB-1,EUR,Marie Dupont,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
    "WEB-1,,,,,,,MUG-WHITE,1,9.50,10",
    "WEB-2,USD,John Smith,1 Main St,Springfield,62701,US,TSHIRT-L,1,25,",
)


# ---------------------------------------------------------------------------
# Good files
# ---------------------------------------------------------------------------


def test_good_rows_become_one_canonical_order_per_reference():
    groups, errors = read_and_group(GOOD_CSV)

    assert errors == []
    assert [(group.reference, group.rows) for group in groups] == [
        ("WEB-1", [2, 3]),
        ("WEB-2", [4]),
    ]
    order = tabular.to_canonical(groups[0])
    assert order["currency"] == "EUR"
    assert order["shipping_address"]["name"] == "Marie Dupont"
    assert order["shipping_address"]["zip"] == "75002"
    assert [
        (line["sku"], line["quantity"], line["unit_price"], line["discount"])
        for line in order["lines"]
    ] == [("TSHIRT-M", 2.0, 19.9, 0.0), ("MUG-WHITE", 1.0, 9.5, 10.0)]
    assert tabular.to_canonical(groups[1])["shipping_address"]["country_code"] == "US"


def test_group_data_is_canonical_with_empty_cells_left_out():
    groups, _errors = read_and_group(GOOD_CSV)
    assert groups[0].data == {
        "reference": "WEB-1",
        "currency": "EUR",
        "customer": {"name": "Marie Dupont"},
        "shipping_address": {
            "street": "12 rue de la Paix",
            "city": "Paris",
            "zip": "75002",
            "country_code": "FR",
        },
        "lines": [
            {"sku": "TSHIRT-M", "quantity": "2", "unit_price": "19.90"},
            {"sku": "MUG-WHITE", "quantity": "1", "unit_price": "9.50", "discount": "10"},
        ],
    }
    assert [row["_row"] for row in groups[0].raw_rows] == [2, 3]


def test_template_is_a_valid_import_file():
    rows = tabular.read_rows(tabular.template_csv(), "template.csv")
    groups, errors = tabular.group_orders(rows)

    assert errors == []
    assert [group.reference for group in groups] == ["WEB-1001"]
    assert rows[0].keys() == {"_row", *tabular.COLUMNS}
    order = tabular.to_canonical(groups[0])
    assert order["flags"]["gift"] is True
    assert order["payment"]["amount"] == pytest.approx(
        sum(canonical.line_subtotal(line) for line in order["lines"]) + order["shipping"]["amount"]
    )
    header = tabular.template_csv().decode().splitlines()[0]
    assert tuple(header.split(",")) == tabular.COLUMNS


def test_columns_are_the_documented_ones_in_order():
    assert tabular.COLUMNS == (
        "order_reference",
        "date_order",
        "currency",
        "customer_name",
        "customer_email",
        "customer_phone",
        "customer_vat",
        "customer_lang",
        "ship_name",
        "ship_street",
        "ship_street2",
        "ship_city",
        "ship_zip",
        "ship_state",
        "ship_country",
        "bill_name",
        "bill_street",
        "bill_street2",
        "bill_city",
        "bill_zip",
        "bill_state",
        "bill_country",
        "sku",
        "barcode",
        "product_name",
        "quantity",
        "unit_price",
        "discount",
        "taxes_included",
        "shipping_method",
        "shipping_amount",
        "payment_status",
        "payment_method",
        "payment_amount",
        "payment_reference",
        "note",
        "gift_message",
        "vip",
        "gift",
        "priority",
    )
    for column in tabular.COLUMNS:
        assert f"``{column}``" in tabular.__doc__


def test_billing_columns_fill_the_billing_address():
    content = csv_bytes(
        "WEB-1,EUR,Marie,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,1,10,,Dupont SARL,"
        "5 avenue Foch,Lyon,fr",
        header=HEADER + ",bill_name,bill_street,bill_city,bill_country",
    )
    groups, _errors = read_and_group(content)
    order = tabular.to_canonical(groups[0])
    assert order["billing_address"]["name"] == "Dupont SARL"
    assert order["billing_address"]["country_code"] == "FR"
    assert order["shipping_address"]["city"] == "Paris"


def test_a_later_row_may_fill_an_order_value_the_first_row_left_empty():
    content = csv_bytes(
        "WEB-1,EUR,Marie Dupont,12 rue de la Paix,,75002,FR,TSHIRT-M,2,19.90,",
        "WEB-1,EUR,,,Paris,,,MUG-WHITE,1,9.50,",
    )
    groups, errors = read_and_group(content)
    assert errors == []
    assert tabular.to_canonical(groups[0])["shipping_address"]["city"] == "Paris"


# ---------------------------------------------------------------------------
# Row errors
# ---------------------------------------------------------------------------


def test_conflicting_order_value_leaves_the_whole_order_out():
    content = csv_bytes(
        "WEB-1,EUR,Marie Dupont,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
        "WEB-2,USD,John Smith,1 Main St,Springfield,62701,US,TSHIRT-L,1,25,",
        "WEB-1,EUR,Marie Dupont,12 rue de la Paix,Lyon,75002,FR,MUG-WHITE,1,9.50,",
    )
    groups, errors = read_and_group(content)

    assert [group.reference for group in groups] == ["WEB-2"]
    assert [(error.row, error.code) for error in errors] == [(4, "conflicting_order_value")]
    message = errors[0].message
    assert "ship_city is 'Lyon' here but 'Paris' on row 2" in message
    assert "Order WEB-1 is not imported" in message


def test_row_without_reference_is_reported_and_skipped():
    content = csv_bytes(
        "WEB-1,EUR,Marie Dupont,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
        ",,,,,,,MUG-WHITE,1,9.50,",
    )
    groups, errors = read_and_group(content)

    assert [(group.reference, group.rows) for group in groups] == [("WEB-1", [2])]
    assert [(error.row, error.code) for error in errors] == [(3, "missing_order_reference")]
    assert "Row 3 has no order_reference" in errors[0].message


def test_to_canonical_names_the_row_of_a_bad_line():
    content = csv_bytes(
        "WEB-1,EUR,Marie Dupont,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
        "WEB-1,,,,,,,MUG-WHITE,0,9.50,",
    )
    groups, _errors = read_and_group(content)
    with pytest.raises(Quarantined) as info:
        tabular.to_canonical(groups[0])

    assert info.value.code == "invalid_quantity"
    assert info.value.path == "lines[1].quantity"
    assert info.value.message.endswith("(row 3).")
    assert "SKU MUG-WHITE" in info.value.message


def test_to_canonical_names_all_rows_for_an_order_level_problem():
    content = csv_bytes(
        "WEB-1,EURO,Marie Dupont,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
        "WEB-1,,,,,,,MUG-WHITE,1,9.50,",
    )
    groups, _errors = read_and_group(content)
    with pytest.raises(Quarantined) as info:
        tabular.to_canonical(groups[0])
    assert info.value.code == "invalid_currency"
    assert info.value.message.endswith("(rows 2, 3).")


def test_to_canonical_keeps_rejections_rejected():
    content = csv_bytes("WEB-1,EUR,Marie,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,two,19.90,")
    groups, _errors = read_and_group(content)
    with pytest.raises(Rejected) as info:
        tabular.to_canonical(groups[0])
    assert info.value.code == "invalid_shape"
    assert info.value.message == 'lines[0].quantity must be a number, got "two" (row 2).'


# ---------------------------------------------------------------------------
# CSV dialects
# ---------------------------------------------------------------------------


def test_semicolon_delimiter_is_detected():
    content = csv_bytes(
        "WEB-1;EUR;Dupont, Marie;12 rue de la Paix;Paris;75002;FR;TSHIRT-M;2;19.90;",
        header=HEADER.replace(",", ";"),
    )
    rows = tabular.read_rows(content, "export.csv")
    assert rows[0]["customer_name"] == "Dupont, Marie"
    assert rows[0]["unit_price"] == "19.90"


def test_tab_delimiter_is_detected():
    content = csv_bytes(
        "WEB-1,EUR,Marie,12 rue de la Paix,Paris,75002,FR,TSHIRT-M,2,19.90,",
        delimiter="\t",
    )
    assert tabular.read_rows(content, "export.tsv")[0]["ship_city"] == "Paris"


def test_bom_and_header_case_and_spaces_are_ignored():
    header = (
        " Order_Reference ; CURRENCY;customer_name;ship_street;ship_city;ship_country;sku;"
        "quantity;unit_price"
    )
    content = "\ufeff" + header + "\r\nWEB-1;eur;Marie;1 rue A;Paris;FR;SKU-1;1;5\r\n"
    rows = tabular.read_rows(content.encode(), "excel.csv")
    assert rows[0]["order_reference"] == "WEB-1"
    assert rows[0]["currency"] == "eur"
    assert rows[0]["ship_zip"] is None


def test_row_numbers_are_those_a_spreadsheet_shows():
    content = csv_bytes(
        'WEB-1,EUR,Marie,"12 rue de la Paix\nBâtiment B",Paris,75002,FR,TSHIRT-M,2,19.90,',
        ",,,,,,,,,,",
        "",
        "WEB-2,EUR,Paul,1 rue B,Lyon,69001,FR,TSHIRT-L,1,25,",
    )
    rows = tabular.read_rows(content, "orders.csv")
    assert [(row["_row"], row["order_reference"]) for row in rows] == [(2, "WEB-1"), (5, "WEB-2")]
    assert rows[0]["ship_street"] == "12 rue de la Paix\nBâtiment B"


# ---------------------------------------------------------------------------
# Files that cannot be read
# ---------------------------------------------------------------------------


def test_unknown_column_is_rejected_with_a_suggestion():
    content = csv_bytes("WEB-1,x", header="order_reference,shiping_city")
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv")
    assert info.value.code == "invalid_shape"
    assert "'shiping_city' (did you mean ship_city?)" in info.value.message


def test_missing_order_reference_column_is_rejected():
    with pytest.raises(Rejected) as info:
        tabular.read_rows(csv_bytes("EUR,SKU-1", header="currency,sku"), "orders.csv")
    assert info.value.code == "invalid_shape"
    assert "no order_reference column" in info.value.message


def test_duplicate_column_is_rejected():
    content = csv_bytes("WEB-1,2,3", header="order_reference,quantity,Quantity")
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv")
    assert "quantity more than once" in info.value.message


def test_value_under_a_column_without_name_is_rejected():
    content = csv_bytes("WEB-1,EUR,oops", header="order_reference,currency,")
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv")
    assert "Row 2 has the value 'oops' in column 3" in info.value.message


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n"])
def test_empty_file_is_rejected(content):
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv")
    assert "row 1 must hold the column names" in info.value.message


def test_file_not_in_the_chosen_encoding_is_rejected_naming_the_line():
    content = "order_reference,customer_name\r\nWEB-1,Hélène\r\n".encode("latin-1")
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv", ReadOptions(encoding="utf-8"))
    assert info.value.code == "not_utf8"
    assert "The file is not UTF-8 text: byte 0xE9 on line 2" in info.value.message

    content = "order_reference,customer_name\r\nWEB-1,Ayşe\r\n".encode("utf-16")
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.csv", ReadOptions(encoding="windows-1255"))
    assert info.value.code == "not_decodable"
    assert "not Windows-1255 (Hebrew) text" in info.value.message


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def xlsx_bytes(rows):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Notes").append(["ignored: only the first sheet is read"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_typed_cells_is_read_like_csv():
    content = xlsx_bytes(
        [
            [
                "Order_Reference",
                "date_order",
                "currency",
                "customer_name",
                "ship_street",
                "ship_city",
                "ship_zip",
                "ship_country",
                "sku",
                "quantity",
                "unit_price",
                "vip",
            ],
            [
                "WEB-1",
                datetime(2026, 11, 20, 10, 15),
                "EUR",
                "Marie Dupont",
                "12 rue de la Paix",
                "Paris",
                75002,
                "FR",
                "TSHIRT-M",
                2,
                19.9,
                True,
            ],
            [None] * 12,
            ["WEB-1", None, None, None, None, None, None, None, "MUG-WHITE", 1.0, 9.5, None],
        ]
    )
    rows = tabular.read_rows(content, "Orders.XLSX")

    assert [row["_row"] for row in rows] == [2, 4]
    assert (rows[0]["ship_zip"], rows[0]["quantity"], rows[1]["quantity"]) == ("75002", "2", "1")
    groups, errors = tabular.group_orders(rows)
    assert errors == []
    order = tabular.to_canonical(groups[0])
    assert order["date_order"] == "2026-11-20 10:15:00"
    assert order["flags"]["vip"] is True
    assert [line["unit_price"] for line in order["lines"]] == [19.9, 9.5]


def test_xlsx_unknown_column_is_rejected():
    content = xlsx_bytes([["order_reference", "qty"], ["WEB-1", 2]])
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content, "orders.xlsx")
    assert "unknown column(s): 'qty'" in info.value.message


def test_damaged_xlsx_is_rejected():
    content = xlsx_bytes([["order_reference"], ["WEB-1"]])
    with pytest.raises(Rejected) as info:
        tabular.read_rows(content[: len(content) // 2], "orders.xlsx")
    assert info.value.code == "invalid_shape"
    assert "not a readable XLSX workbook" in info.value.message


def test_xlsx_formula_is_its_cached_value_or_its_text_never_computed():
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["order_reference", "customer_name", "ship_city", "sku", "quantity"])
    sheet.append(["WEB-1", "=SUM(A1:A3)", "@home", "-5 apples", "=1+1"])
    # A string cell, as a spreadsheet stores the text '=x typed with a quote.
    sheet["C2"].data_type = "s"
    out = io.BytesIO()
    workbook.save(out)

    (row,) = tabular.read_rows(out.getvalue(), "orders.xlsx")

    assert (row["customer_name"], row["ship_city"], row["sku"]) == (
        "=SUM(A1:A3)",
        "@home",
        "-5 apples",
    )
    assert row["quantity"] == "=1+1", "never computed: the canonical order refuses it"


# ---------------------------------------------------------------------------
# Files as people make them: encodings, separators, number and date formats
# ---------------------------------------------------------------------------

LOCAL_HEADER = (
    "order_reference;currency;customer_name;ship_street;ship_city;ship_country;sku;quantity;"
    "unit_price;discount;shipping_amount;date_order"
)
LOCAL_ROWS = "{p}-1;EUR;{name};{street};{city};{country};TSHIRT-M;2;9,90;10;4,90;20.11.2026 10:15\r\n{p}-1;;;;;;MUG-WHITE;1;1.234,50;;;\r\n{p}-2;EUR;{name2};{street};{city};{country};MUG-WHITE;3;1\u00a0234,5;;;21.11.2026\r\n"  # noqa: E501
LOCAL_TEXTS = {
    "windows-1251": {
        "p": "RU", "name": "Иван Петров", "name2": "Мария Смирнова", "street": "ул. Тверская, 7",
        "city": "Москва", "country": "RU",
    },
    "windows-1254": {
        "p": "TR", "name": "Ayşe Yılmaz", "name2": "Doğan Şahin", "street": "İstiklal Caddesi 5",
        "city": "İstanbul", "country": "TR",
    },
    "windows-1255": {
        "p": "HE", "name": "דוד כהן", "name2": "שרה לוי", "street": "רחוב הרצל 3",
        "city": "תל אביב", "country": "IL",
    },
}  # fmt: skip


def local_file(encoding, texts):
    text = LOCAL_HEADER + "\r\n" + LOCAL_ROWS.format(**texts)
    return text.encode("utf-8-sig" if encoding == "utf-8" else encoding)


@pytest.mark.parametrize(
    ("encoding", "texts"),
    [*LOCAL_TEXTS.items(), ("utf-8", LOCAL_TEXTS["windows-1254"])],
)
def test_windows_code_pages_and_utf8_bom_read_the_same_orders(encoding, texts):
    table = tabular.read_table(local_file(encoding, texts), "orders.csv")

    assert table.options == ReadOptions(
        encoding=encoding,
        separator="semicolon",
        decimal_separator="comma",
        thousands_separator="dot",
        date_format="%d.%m.%Y",
    )
    assert table.problems == {}
    groups, errors = tabular.group_orders(table.rows)
    assert errors == []
    first, second = (tabular.to_canonical(group) for group in groups)
    assert first["customer"]["name"] == texts["name"]
    assert first["shipping_address"]["city"] == texts["city"]
    assert first["shipping_address"]["street"] == texts["street"]
    assert second["customer"]["name"] == texts["name2"]
    assert [
        (line["quantity"], line["unit_price"], line["discount"]) for line in first["lines"]
    ] == [
        (2.0, 9.9, 10.0),
        (1.0, 1234.5, 0.0),
    ]
    assert first["shipping"]["amount"] == 4.9
    assert first["date_order"] == "2026-11-20 10:15:00"
    assert second["date_order"] == "2026-11-21 00:00:00"
    assert second["lines"][0]["unit_price"] == 1234.5


def test_chosen_options_win_over_detection():
    content = local_file("windows-1251", LOCAL_TEXTS["windows-1251"])
    options = ReadOptions(encoding="windows-1252", decimal_separator="dot")
    table = tabular.read_table(content, "orders.csv", options)
    assert table.options.encoding == "windows-1252"
    assert table.rows[0]["customer_name"] != LOCAL_TEXTS["windows-1251"]["name"]
    # "9,90" is no number with a decimal dot: kept as written, shown as a problem.
    assert table.rows[0]["unit_price"] == "9,90"
    assert (
        "unit_price '9,90' is not a number written with the decimal separator Dot"
        in (table.problems[2][0])
    )


def test_preview_shows_the_detected_options_and_the_first_rows_as_read():
    rows = "".join(
        f"P-{n};EUR;Иван;1 rue A;Москва;RU;SKU-1;1;9,90;;;bad date\r\n" for n in range(12)
    )
    content = (LOCAL_HEADER + "\r\n" + rows).encode("windows-1251")

    preview = tabular.preview(content, "orders.csv", ReadOptions(date_format="%d.%m.%Y"))

    assert preview.options.encoding == "windows-1251"
    assert preview.options.labels()["encoding"] == "Windows-1251 (Cyrillic)"
    assert preview.options.separator == "semicolon"
    assert preview.columns == LOCAL_HEADER.split(";")
    assert preview.row_count == 12
    assert [row["_row"] for row in preview.rows] == list(range(2, 12))
    assert preview.rows[0]["unit_price"] == "9.90"
    assert preview.rows[0]["ship_city"] == "Москва"
    assert preview.problems[2] == [
        "date_order 'bad date' is not a date in the format Day.Month.Year ( 20.11.2026 )."
    ]


def test_xlsx_typed_numbers_ignore_the_separators():
    content = xlsx_bytes(
        [
            ["order_reference", "quantity", "unit_price", "discount"],
            ["WEB-1", 1.234, "9,90", 1234],
        ]
    )
    table = tabular.read_table(content, "orders.xlsx")
    assert (table.options.encoding, table.options.decimal_separator) == ("", "comma")
    row = table.rows[0]
    assert (row["quantity"], row["unit_price"], row["discount"]) == ("1.234", "9.90", "1234")


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "expected"),
    [
        ("9,90", "comma", "dot", "9.90"),
        ("1.234,50", "comma", "dot", "1234.50"),
        ("1 234,5", "comma", "dot", "1234.5"),
        ("1\u00a0234\u00a0567,5", "comma", "none", None),
        ("1\u202f234,5", "comma", "space", "1234.5"),
        ("-1.234", "comma", "dot", "-1234"),
        ("1,234.5", "dot", "comma", "1234.5"),
        ("1'234.5", "dot", "apostrophe", "1234.5"),
        ("19.90", "dot", "comma", "19.90"),
        ("9,90", "dot", "comma", None),
        ("1.23.4", "comma", "dot", None),
        ("12,3456", "comma", "dot", "12.3456"),
        ("two", "dot", "none", None),
        ("", "dot", "none", None),
    ],
)
def test_parse_number(text, decimal, thousands, expected):
    assert formats.parse_number(text, decimal, thousands) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["9,90", "1"], "comma"),
        (["1.234,50"], "comma"),
        (["19.90", "2"], "dot"),
        (["1,234.50"], "dot"),
        (["1,234", "1.234"], "dot"),
        (["1.234.567", "9,5"], "comma"),
        ([], "dot"),
    ],
)
def test_detect_decimal_separator(texts, expected):
    assert formats.detect_decimal_separator(texts) == expected


def test_dates_in_a_chosen_or_detected_format():
    assert formats.parse_date("20/11/2026 10:15", "%d/%m/%Y") == "2026-11-20 10:15:00"
    assert formats.parse_date("11/20/2026", "%m/%d/%Y") == "2026-11-20 00:00:00"
    assert formats.parse_date("2026-11-20T10:15:00Z", "iso") == "2026-11-20T10:15:00Z"
    assert formats.parse_date("20/11/2026", "iso") is None
    assert formats.detect_date_format(["2026-11-20 10:15:00"]) == "iso"
    assert formats.detect_date_format(["20/11/2026", "13/01/2026"]) == "%d/%m/%Y"
    assert formats.detect_date_format(["11/20/2026"]) == "%m/%d/%Y"
    assert formats.detect_date_format(["20.11.2026 10:15"]) == "%d.%m.%Y"
    assert formats.detect_date_format(["soon"]) == "iso"


def test_encoding_detection():
    assert formats.detect_encoding(b"\xef\xbb\xbfabc") == "utf-8"
    assert formats.detect_encoding("Hélène".encode()) == "utf-8"
    assert formats.detect_encoding("Hélène;Besançon;Noël".encode("windows-1252")) == (
        "windows-1252"
    )
    assert formats.detect_encoding("Ayşe;Muğla".encode("utf-16")) == "utf-16"
    assert formats.detect_encoding(b"\x81\x8d\x8f\x90") == "iso-8859-1", "decodes any byte"


def test_cell_text_stays_data():
    content = csv_bytes(
        "WEB-1,EUR,=SUM(A1),'=HYPERLINK(x),@home,+33 6,FR,-5 apples,2,19.90,",
    )
    row = tabular.read_rows(content, "orders.csv")[0]
    assert row["customer_name"] == "=SUM(A1)"
    assert row["ship_street"] == "=HYPERLINK(x)", "the quote of an escaped formula is dropped"
    assert (row["ship_city"], row["ship_zip"], row["sku"]) == ("@home", "+33 6", "-5 apples")


def test_formula_safe():
    assert [formats.formula_safe(t) for t in ("=1+1", "+33", "-2", "@x", "\tx", "a=b", 5)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@x",
        "'\tx",
        "a=b",
        5,
    ]
    assert tabular.template_csv().count(b",'+33 6 12 34 56 78,") == 1
    rows = tabular.read_rows(tabular.template_csv(), "template.csv")
    assert rows[0]["customer_phone"] == "+33 6 12 34 56 78"
