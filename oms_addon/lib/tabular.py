"""CSV / XLSX order import: one row per order line.

The first row holds the column names (case-insensitive, surrounding spaces ignored);
columns may come in any order and all but ``order_reference`` may be left out.
Rows with the same ``order_reference`` form one order. Order-level columns may be
repeated on every row of the order or filled on one row only, but two rows of one
order must not disagree.

Order-level columns (canonical field in brackets, see ``canonical``):

* ``order_reference`` (reference), required
* ``date_order`` (ISO 8601 date, e.g. ``2026-11-20 10:15:00``; UTC unless it says)
* ``currency`` (ISO 4217 code, e.g. ``EUR``)
* ``customer_name``, ``customer_email``, ``customer_phone``, ``customer_vat``,
  ``customer_lang`` (customer.*; lang like ``fr_FR``)
* ``ship_name``, ``ship_street``, ``ship_street2``, ``ship_city``, ``ship_zip``,
  ``ship_state``, ``ship_country`` (shipping_address.*; state and country are codes,
  e.g. ``FR``; the name defaults to the customer name)
* ``bill_name``, ``bill_street``, ``bill_street2``, ``bill_city``, ``bill_zip``,
  ``bill_state``, ``bill_country`` (billing_address.*; all empty: same as shipping)
* ``shipping_method``, ``shipping_amount`` (shipping.*)
* ``payment_status`` (paid, authorized, pending or cod), ``payment_method``,
  ``payment_amount``, ``payment_reference`` (payment.*; reference is the
  transaction reference)
* ``note``, ``gift_message``
* ``vip``, ``gift``, ``priority`` (flags.*: 1/0, yes/no, true/false)

Line columns, one line per row:

* ``sku`` or ``barcode`` (one of them required), ``product_name``
* ``quantity``, ``unit_price`` (required)
* ``discount`` (percent, default 0)
* ``taxes_included`` (1/0; empty: prices exclude taxes)

How the file writes text, numbers and dates is given by :class:`ReadOptions`, each
option detected unless chosen (see ``tabular_formats``): the encoding of a CSV file
(a BOM, else UTF-8, else a Windows code page), its separator (the one of ``,`` ``;``
tab or ``|`` found most often in the header row), the decimal and thousands separators
of the number columns (``9,90``, ``1.234,50``, ``1 234,5``) and the format of
``date_order``. XLSX files are read from their first sheet; their typed numbers and
dates need no option, and a formula cell gives its cached value, or its formula as
text when the file has none: nothing is ever computed. A text cell is kept as
written, ``=SUM(A1)`` or ``@home`` included, except the ``'`` that escapes such a
text in a CSV file (see ``tabular_formats.formula_safe``).
Row numbers in messages are those a spreadsheet shows, the header being row 1.
"""

import csv
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from . import canonical
from . import tabular_formats as formats
from .canonical import Rejected
from .tabular_formats import AUTO, ReadOptions

__all__ = ["AUTO", "ReadOptions"]

_ADDRESS_SUFFIXES = (
    ("name", "name"),
    ("street", "street"),
    ("street2", "street2"),
    ("city", "city"),
    ("zip", "zip"),
    ("state", "state_code"),
    ("country", "country_code"),
)


def _address_columns(prefix, key):
    return {f"{prefix}_{suffix}": (key, name) for suffix, name in _ADDRESS_SUFFIXES}


# Column -> where its value goes in the canonical order; ("lines", key) is a key of
# the row's own line. The dict order is the column order of COLUMNS and the template.
_COLUMN_PATHS = {
    "order_reference": ("reference",),
    "date_order": ("date_order",),
    "currency": ("currency",),
    "customer_name": ("customer", "name"),
    "customer_email": ("customer", "email"),
    "customer_phone": ("customer", "phone"),
    "customer_vat": ("customer", "vat"),
    "customer_lang": ("customer", "lang"),
    **_address_columns("ship", "shipping_address"),
    **_address_columns("bill", "billing_address"),
    "sku": ("lines", "sku"),
    "barcode": ("lines", "barcode"),
    "product_name": ("lines", "name"),
    "quantity": ("lines", "quantity"),
    "unit_price": ("lines", "unit_price"),
    "discount": ("lines", "discount"),
    "taxes_included": ("lines", "taxes_included"),
    "shipping_method": ("shipping", "method"),
    "shipping_amount": ("shipping", "amount"),
    "payment_status": ("payment", "status"),
    "payment_method": ("payment", "method"),
    "payment_amount": ("payment", "amount"),
    "payment_reference": ("payment", "transaction_ref"),
    "note": ("note",),
    "gift_message": ("gift_message",),
    "vip": ("flags", "vip"),
    "gift": ("flags", "gift"),
    "priority": ("flags", "priority"),
}
COLUMNS = tuple(_COLUMN_PATHS)
LINE_COLUMNS = tuple(column for column, path in _COLUMN_PATHS.items() if path[0] == "lines")
ORDER_COLUMNS = tuple(
    column for column in COLUMNS if column not in LINE_COLUMNS and column != "order_reference"
)

ROW_ERROR_CODES = ("missing_order_reference", "conflicting_order_value")
NUMBER_COLUMNS = ("quantity", "unit_price", "discount", "shipping_amount", "payment_amount")
DATE_COLUMNS = ("date_order",)
PREVIEW_ROWS = 10

# What openpyxl raises for a file that is not a workbook or is damaged (XML parse
# errors are SyntaxErrors, invalid attribute values TypeErrors or ValueErrors).
_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, SyntaxError, TypeError, ValueError, OSError)
_LINE_PATH_RE = re.compile(r"lines\[(\d+)\]")

_TEMPLATE_ROWS = (
    {
        "order_reference": "WEB-1001",
        "date_order": "2026-11-20 10:15:00",
        "currency": "EUR",
        "customer_name": "Marie Dupont",
        "customer_email": "marie.dupont@example.com",
        "customer_phone": "+33 6 12 34 56 78",
        "customer_lang": "fr_FR",
        "ship_street": "12 rue de la Paix",
        "ship_city": "Paris",
        "ship_zip": "75002",
        "ship_country": "FR",
        "sku": "TSHIRT-M-BLUE",
        "product_name": "T-shirt blue M",
        "quantity": "2",
        "unit_price": "19.90",
        "taxes_included": "1",
        "shipping_method": "Colissimo",
        "shipping_amount": "4.90",
        "payment_status": "paid",
        "payment_method": "card",
        "payment_amount": "53.25",
        "payment_reference": "ch_3Q1001",
        "gift_message": "Happy birthday!",
    },
    {
        "order_reference": "WEB-1001",
        "sku": "MUG-WHITE",
        "product_name": "White mug",
        "quantity": "1",
        "unit_price": "9.50",
        "discount": "10",
        "taxes_included": "1",
    },
)


@dataclass
class OrderGroup:
    """The rows of one order and the canonical order (not yet normalized) they make."""

    reference: str
    rows: list[int] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    raw_rows: list[dict] = field(default_factory=list)


@dataclass
class Table:
    """A file as read: the options it was read with, its column names in the file's
    order, its rows (see ``read_rows``) and ``{row number: [problems of its cells]}``."""

    options: ReadOptions
    columns: list[str]
    rows: list[dict]
    problems: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Preview:
    """The first rows of a file as the import would read them."""

    options: ReadOptions
    columns: list[str]
    rows: list[dict]
    problems: dict[int, list[str]]
    row_count: int


class _XlsxText(str):
    """The formula of a workbook cell that has no cached value: text, never computed."""


@dataclass
class RowError:
    """A row that cannot be imported, with a message for the person who made the file."""

    row: int
    code: str
    message: str


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def template_csv() -> bytes:
    """A CSV file with every column and two example rows of one order.

    A text a spreadsheet would take for a formula (the phone ``+33 ...``) is escaped
    with a leading ``'``, which reading the file removes again.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(
        {column: formats.formula_safe(value) for column, value in row.items()}
        for row in _TEMPLATE_ROWS
    )
    return out.getvalue().encode("utf-8")


def read_rows(content: bytes, filename: str, options: ReadOptions | None = None) -> list[dict]:
    """The non-empty rows of a CSV or XLSX file, as dicts of every column.

    Each dict maps every name of :data:`COLUMNS` to the stripped cell text, or None
    when the cell is empty or the column absent, and ``"_row"`` to the row number a
    spreadsheet shows. Numbers and dates are canonical text (``1234.50``) when they
    are written as ``options`` say, else as written. Raises ``Rejected``
    (``not_utf8``, ``not_decodable``, ``invalid_shape``) when the file cannot be read
    or its header is wrong.
    """
    return read_table(content, filename, options).rows


def read_table(content: bytes, filename: str, options: ReadOptions | None = None) -> Table:
    """The file read with ``options``: its rows (see :func:`read_rows`), the options
    it was read with (detected where ``auto``) and the problems of its cells."""
    options = options or ReadOptions()
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_table(content)
        options = replace(options, encoding="", separator="")
    else:
        table, options = _csv_table(content, options)
    columns = _header_columns(table[0] if table else [])
    options = _detect_value_formats(table[1:], columns, options)
    return _table_rows(table, columns, options)


def preview(
    content: bytes, filename: str, options: ReadOptions | None = None, limit: int = PREVIEW_ROWS
) -> Preview:
    """What importing the file with ``options`` would read: the options detected, its
    columns, its first ``limit`` rows and the problems of their cells. Raises
    ``Rejected`` like :func:`read_rows`."""
    table = read_table(content, filename, options)
    first = table.rows[:limit]
    return Preview(
        options=table.options,
        columns=table.columns,
        rows=first,
        problems={
            row["_row"]: table.problems[row["_row"]]
            for row in first
            if row["_row"] in table.problems
        },
        row_count=len(table.rows),
    )


def group_orders(rows: list[dict]) -> tuple[list[OrderGroup], list[RowError]]:
    """Group rows into orders by ``order_reference``, in order of first appearance.

    Each order-level value is the first non-empty one among the order's rows. A row
    without ``order_reference`` is a ``missing_order_reference`` error and is skipped;
    a row disagreeing with an earlier row of its order is a
    ``conflicting_order_value`` error and that whole order is left out, so that no
    order is imported with a line missing.
    """
    groups, held_values, errors, conflicting = {}, {}, [], set()
    for row in rows:
        reference = row.get("order_reference")
        if not reference:
            errors.append(
                RowError(
                    row["_row"],
                    "missing_order_reference",
                    f"Row {row['_row']} has no order_reference, so it belongs to no order; "
                    "it is skipped.",
                )
            )
            continue
        group = groups.setdefault(reference, OrderGroup(reference))
        held = held_values.setdefault(reference, {})
        conflicts = _merge_order_values(held, row)
        if conflicts:
            errors.append(_conflict_error(reference, row, held, conflicts))
            conflicting.add(reference)
        group.rows.append(row["_row"])
        group.raw_rows.append(row)
    kept = [group for group in groups.values() if group.reference not in conflicting]
    for group in kept:
        group.data = _order_data(group.reference, held_values[group.reference], group.raw_rows)
    return kept, errors


def to_canonical(group: OrderGroup) -> dict:
    """The normalized canonical order of a group (see ``canonical.normalize``).

    A problem is raised again with the same class, code and path, its message ending
    with the rows concerned: "(row 3)." for a line, "(rows 3, 4)." for the order.
    """
    try:
        return canonical.normalize(group.data)
    except canonical.IntakeProblem as problem:
        message = f"{problem.message.removesuffix('.')} ({_rows_label(group, problem.path)})."
        raise type(problem)(problem.code, message, problem.path) from problem


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def _csv_table(content, options):
    """The cells of a CSV file and the options with its encoding and separator."""
    encoding = options.encoding
    if encoding == AUTO:
        encoding = formats.detect_encoding(content)
    try:
        text = formats.decode(content, encoding)
    except ValueError as exc:
        raise Rejected("not_utf8" if encoding == "utf-8" else "not_decodable", str(exc)) from None
    separator = options.separator
    if separator == AUTO:
        separator = formats.detect_separator(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=formats.separator_char(separator))
    try:
        table = list(reader)
    except csv.Error as exc:
        raise Rejected(
            "invalid_shape", f"The file is not readable CSV near line {reader.line_num}: {exc}."
        ) from None
    return table, formats.resolved(options, encoding=encoding, separator=separator)


def _xlsx_table(content):
    import openpyxl  # only XLSX imports need it; it comes with Odoo

    try:
        # Cached values: what the person saw in the spreadsheet. Formulas are read
        # apart, as text, for the cells that have no cached value.
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        written = openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    except _XLSX_ERRORS:
        raise Rejected(
            "invalid_shape",
            "The file is not a readable XLSX workbook; save it again as .xlsx or as CSV.",
        ) from None
    # min_row=1 keeps the row numbers right when the first rows are empty.
    rows = zip(
        values.worksheets[0].iter_rows(min_row=1, min_col=1, values_only=True),
        written.worksheets[0].iter_rows(min_row=1, min_col=1, values_only=True),
        strict=False,
    )
    return [
        [
            _XlsxText(text) if value is None and text is not None else value
            for value, text in zip(cached, formulas, strict=False)
        ]
        for cached, formulas in rows
    ]


def _detect_value_formats(rows, columns, options):
    """``options`` with the decimal separator and date format the file's text cells use."""

    def texts(names):
        indexes = [index for index, name in columns.items() if name in names]
        return [
            cells[index].strip()
            for cells in rows
            for index in indexes
            if index < len(cells) and _is_text(cells[index]) and cells[index].strip()
        ]

    decimal = options.decimal_separator
    if decimal == AUTO:
        decimal = formats.detect_decimal_separator(texts(NUMBER_COLUMNS))
    thousands = formats.resolve_thousands_separator(options.thousands_separator, decimal)
    date_format = options.date_format
    if date_format == AUTO:
        date_format = formats.detect_date_format(texts(DATE_COLUMNS))
    return formats.resolved(
        options, decimal_separator=decimal, thousands_separator=thousands, date_format=date_format
    )


def _table_rows(table, columns, options):
    """The rows of a table of cells whose first row is the header."""
    rows, problems = [], {}
    for number, cells in enumerate(table[1:], start=2):
        texts = [_cell_text(cell) for cell in cells]
        _check_unnamed_cells(texts, columns, number)
        values, row_problems = {}, []
        for index, column in columns.items():
            if index < len(texts):
                values[column] = _read_value(
                    column, cells[index], texts[index], options, row_problems
                )
        if any(values.values()):
            rows.append({"_row": number, **{column: values.get(column) for column in COLUMNS}})
            if row_problems:
                problems[number] = row_problems
    return Table(options, [columns[index] for index in sorted(columns)], rows, problems)


def _read_value(column, cell, text, options, problems):
    """The text of a cell for the canonical order: a number or date written as the
    options say becomes canonical text; anything else stays as written, for the
    canonical order to refuse with the row's number."""
    if text is None or not _is_text(cell):
        return text
    if column in NUMBER_COLUMNS:
        number = formats.parse_number(text, options.decimal_separator, options.thousands_separator)
        if number is None:
            labels = options.labels()
            problems.append(
                f"{column} {text!r} is not a number written with the decimal separator "
                f"{labels['decimal_separator']} and the thousands separator "
                f"{labels['thousands_separator']}."
            )
        return number or text
    if column in DATE_COLUMNS:
        moment = formats.parse_date(text, options.date_format)
        if moment is None:
            problems.append(
                f"{column} {text!r} is not a date in the format {options.labels()['date_format']}."
            )
        return moment or text
    return text


def _is_text(cell):
    """Whether a cell is text as written (not a typed value or a formula)."""
    return isinstance(cell, str) and not isinstance(cell, _XlsxText)


def _header_columns(cells):
    """``{cell index: column name}`` of the header row; Rejected when it is wrong."""
    names = [(_cell_text(cell) or "").lower() for cell in cells]
    if not any(names):
        raise Rejected("invalid_shape", "The file has no header: row 1 must hold the column names.")
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        raise Rejected(
            "invalid_shape",
            f"The file has unknown column(s): {', '.join(map(_with_hint, unknown))}. "
            f"The known columns are: {', '.join(COLUMNS)}.",
        )
    duplicates = sorted({name for name in names if name and names.count(name) > 1})
    if duplicates:
        raise Rejected(
            "invalid_shape", f"The file has the column(s) {', '.join(duplicates)} more than once."
        )
    if "order_reference" not in names:
        raise Rejected("invalid_shape", "The file has no order_reference column; it is required.")
    return {index: name for index, name in enumerate(names) if name}


def _with_hint(name):
    close = difflib.get_close_matches(name, COLUMNS, n=1)
    return f"{name!r} (did you mean {close[0]}?)" if close else repr(name)


def _check_unnamed_cells(texts, columns, number):
    """Reject a value in a column without a name: it would be dropped silently."""
    for index, text in enumerate(texts):
        if text is not None and index not in columns:
            raise Rejected(
                "invalid_shape",
                f"Row {number} has the value {text!r} in column {index + 1}, which has no "
                "name in row 1.",
            )


def _cell_text(value):
    """A cell as stripped text, None when empty; XLSX numbers and dates as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value).strip()
    return formats.unescape_formula(text) if text else None


# ---------------------------------------------------------------------------
# Grouping
# ---------------------------------------------------------------------------


def _merge_order_values(held, row):
    """Add the row's order-level values to ``held``; return the columns that disagree.

    ``held`` maps a column to ``(value, row number it came from)``.
    """
    conflicts = []
    for column in ORDER_COLUMNS:
        value = row.get(column)
        if value is None:
            continue
        if column not in held:
            held[column] = (value, row["_row"])
        elif held[column][0] != value:
            conflicts.append(column)
    return conflicts


def _conflict_error(reference, row, held, columns):
    details = "; ".join(
        f"{column} is {row[column]!r} here but {held[column][0]!r} on row {held[column][1]}"
        for column in columns
    )
    return RowError(
        row["_row"],
        "conflicting_order_value",
        f"Row {row['_row']} disagrees with an earlier row of order {reference}: {details}. "
        f"Order {reference} is not imported until its rows agree.",
    )


def _order_data(reference, held, rows):
    """The canonical order dict of a group; empty cells are simply left out."""
    data = {
        "reference": reference,
        # Present even when empty, so that problems name the missing field.
        "customer": {},
        "shipping_address": {},
        "lines": [_line_data(row) for row in rows],
    }
    for column, (value, _row) in held.items():
        _put(data, _COLUMN_PATHS[column], value)
    return data


def _line_data(row):
    return {
        _COLUMN_PATHS[column][1]: row[column]
        for column in LINE_COLUMNS
        if row.get(column) is not None
    }


def _put(data, path, value):
    *parents, key = path
    for parent in parents:
        data = data.setdefault(parent, {})
    data[key] = value


def _rows_label(group, path):
    match = _LINE_PATH_RE.match(path)
    if match and int(match.group(1)) < len(group.rows):
        return f"row {group.rows[int(match.group(1))]}"
    rows = group.rows
    return f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(map(str, rows))}"
