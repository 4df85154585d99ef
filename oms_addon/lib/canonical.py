"""The canonical order: the one format every sales channel is mapped to.

Channel adapters turn a vendor payload into this dict, the intake API accepts it as
sent and the CSV/XLSX import builds it from rows. :func:`normalize` checks it and
returns it with every default filled in, so the models only ever see one shape.

Reference
---------
::

    {
      "reference": "WEB-1001",              # required, channel's order reference, str 1..64
      "date_order": "2026-11-20T10:15:00Z",  # optional ISO 8601; normalized to naive UTC
                                             # "YYYY-MM-DD HH:MM:SS"; missing -> None
      "currency": "EUR",                     # required ISO 4217
      "customer": {"name": str (required), "email": str|None, "phone": str|None,
                   "vat": str|None, "lang": str|None (e.g. "fr_FR"),
                   "company_name": str|None},
      "shipping_address": {"name", "street", "street2", "city", "zip", "state_code",
                           "country_code", "phone", "email"},
                                             # required; name defaults to customer name
      "billing_address": {same keys} | None, # optional, defaults to shipping_address
      "lines": [                             # non-empty list
        {"sku": str|None, "barcode": str|None,  # one of sku/barcode required
         "name": str|None,
         "quantity": number (required), "unit_price": number (required),
         "discount": number (percent, default 0),
         "taxes_included": bool|None}        # None -> order-level "prices_include_tax"
      ],
      "prices_include_tax": false,
      "subtotal": number|None,               # optional declared sum of line subtotals
                                             # (qty * unit_price * (1 - discount / 100)), checked
      "shipping": {"method": str|None, "amount": number (default 0)} | None,
      "payment": {"status": "paid"|"authorized"|"pending"|"cod", "method": str|None,
                  "amount": number|None, "transaction_ref": str|None} | None,
                                             # default status "pending"
      "note": str|None, "gift_message": str|None,
      "flags": {"vip": bool, "gift": bool, "priority": bool}
                                             # defaults False; gift becomes True when
                                             # gift_message is set
    }

Reading rules:

* Strings are stripped; an empty string counts as missing. Whole numbers are accepted
  where text is expected (a zip code sent as ``75001``).
* Numbers may be JSON numbers or numeric strings (``"12.50"``); they come out as float.
* Booleans may be ``true``/``false``, ``1``/``0`` or the strings ``"1"``, ``"0"``,
  ``"true"``, ``"false"``, ``"yes"``, ``"no"``.
* ``currency``, ``state_code`` and ``country_code`` are upper-cased, ``payment.status``
  lower-cased, ``customer.lang`` uses ``_`` (``fr-FR`` becomes ``fr_FR``).
* Unknown top-level keys are kept under ``"extra"`` so nothing sent is lost. Unknown
  keys inside the nested objects are rejected, because there they are almost always a
  typo (``"zipcode"``) that would otherwise silently drop a value.
* The normalized order always has ``billing_address``, ``shipping``, ``payment``,
  ``flags`` and ``extra`` as dicts, and every line has ``taxes_included`` as a bool.

Problems
--------
Each problem is an :class:`IntakeProblem` carrying a reason code. Only the first one
found is raised; shape problems are always found before business problems.

* Rejected, the message cannot be read and the sender must fix it:
  ``not_utf8``, ``byte_order_mark``, ``malformed_json`` (also: empty, nested too deeply,
  an integer of more than 4,300 digits), ``duplicate_key`` (a key twice in one object:
  which value is meant cannot be guessed, so neither is kept silently),
  ``invalid_shape`` (also: a text holding a NUL character).
* Quarantined, the order is readable and a person can fix it:
  ``invalid_currency``, ``missing_address_field``, ``invalid_quantity``,
  ``invalid_discount``, ``totals_mismatch``.
"""

import hashlib
import json
import math
import re
import sys
from datetime import datetime

ORDER_KEYS = (
    "reference",
    "date_order",
    "currency",
    "customer",
    "shipping_address",
    "billing_address",
    "lines",
    "prices_include_tax",
    "subtotal",
    "shipping",
    "payment",
    "note",
    "gift_message",
    "flags",
    "extra",
)
CUSTOMER_KEYS = ("name", "email", "phone", "vat", "lang", "company_name")
ADDRESS_KEYS = (
    "name",
    "street",
    "street2",
    "city",
    "zip",
    "state_code",
    "country_code",
    "phone",
    "email",
)
REQUIRED_ADDRESS_KEYS = ("name", "street", "city", "country_code")
LINE_KEYS = (
    "sku",
    "barcode",
    "name",
    "quantity",
    "unit_price",
    "discount",
    "taxes_included",
)
SHIPPING_KEYS = ("method", "amount")
PAYMENT_KEYS = ("status", "method", "amount", "transaction_ref")
# The payment statuses a channel may send, with their labels (sale.order's selection).
PAYMENT_STATUSES = {
    "paid": "Paid",
    "authorized": "Authorized",
    "pending": "Pending",
    "cod": "Cash on Delivery",
}
FLAG_KEYS = ("vip", "gift", "priority")
REFERENCE_MAX_LENGTH = 64
REJECTED_CODES = (
    "not_utf8",
    "byte_order_mark",
    "malformed_json",
    "duplicate_key",
    "invalid_shape",
)
QUARANTINED_CODES = (
    "invalid_currency",
    "missing_address_field",
    "invalid_quantity",
    "invalid_discount",
    "totals_mismatch",
)

_BOM = b"\xef\xbb\xbf"
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_SPACE_RE = re.compile(r"[ \t\n\r]*")
_BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
# Rounding allowance between a declared subtotal and the lines, per line.
_SUBTOTAL_TOLERANCE = 0.01


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


class IntakeProblem(Exception):
    """Why an order cannot be imported as received.

    ``code`` is a short snake_case reason, ``message`` a sentence for a
    customer-service person naming the field and the bad value, ``path`` the field
    concerned (``lines[2].quantity``; empty for the whole body) and ``kind`` is
    ``"rejected"`` (unreadable, the sender must resend) or ``"quarantined"`` (readable,
    a person can fix it).
    """

    kind = None

    def __init__(self, code, message, path=""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def to_dict(self):
        """The problem as a JSON-compatible dict, for API answers and intake logs."""
        return {"kind": self.kind, "code": self.code, "message": self.message, "path": self.path}


class Rejected(IntakeProblem):
    """The message cannot be read: wrong encoding, syntax or shape."""

    kind = "rejected"


class Quarantined(IntakeProblem):
    """The order is readable but has a business problem a person can fix."""

    kind = "quarantined"


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def decode_utf8(raw: bytes, source: str = "The body") -> str:
    """Decode strict UTF-8, tolerating a leading BOM; ``Rejected("not_utf8")`` if not.

    ``source`` names the thing decoded in the message ("The body", "The file").
    """
    offset = len(_BOM) if raw.startswith(_BOM) else 0
    try:
        return raw[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        position = offset + exc.start
        line = raw[:position].count(b"\n") + 1
        raise Rejected(
            "not_utf8",
            f"{source} is not UTF-8 text: byte 0x{raw[position]:02X} on line {line} cannot "
            "be decoded. Save or send it encoded as UTF-8.",
        ) from None


def parse_body(raw: bytes) -> list[dict]:
    """Read an intake body: one order object or a non-empty list of order objects.

    Raises ``Rejected`` with ``not_utf8``, ``byte_order_mark``, ``malformed_json``,
    ``duplicate_key`` or ``invalid_shape``. The orders are returned as sent; run
    :func:`normalize` on each.
    """
    return [payload for payload, _part in parse_body_parts(raw)]


def parse_body_parts(raw: bytes) -> list[tuple[dict, bytes]]:
    """Like :func:`parse_body`, with each order's bytes exactly as received: the
    whole body for one order, the element's own bytes for each order of a list."""
    if raw.startswith(_BOM):
        raise Rejected(
            "byte_order_mark",
            "The body starts with a UTF-8 byte order mark (bytes EF BB BF): JSON sent over "
            "the network must not have one (RFC 8259, section 8.1). Send it without.",
        )
    text = decode_utf8(raw)
    if not text.strip():
        raise Rejected(
            "malformed_json",
            "The body is empty (line 1, column 1): send one order object or a list of them.",
        )
    data = _loads(text)
    orders = _order_list(data)
    if not isinstance(data, list):
        return [(data, raw)]
    if len(data) == 1:
        return [(data[0], raw)]
    return list(zip(orders, _element_bytes(text), strict=True))


def _loads(text):
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise Rejected(
            "malformed_json",
            f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
        ) from None
    except RecursionError:
        raise Rejected(
            "malformed_json", "The body is not usable JSON: it is nested too deeply."
        ) from None
    except ValueError:  # an integer beyond Python's digit limit
        raise Rejected(
            "malformed_json",
            "The body is not usable JSON: a number has more than "
            f"{sys.get_int_max_str_digits()} digits.",
        ) from None


def _element_bytes(text):
    """The UTF-8 bytes of each element of the JSON list ``text``, as written. The
    text was decoded strictly from UTF-8, so encoding a slice gives the bytes sent."""
    index = _skip_space(text, 0) + 1  # past "["
    parts = []
    while True:
        index = _skip_space(text, index)
        _value, end = _DECODER.raw_decode(text, index)
        parts.append(text[index:end].encode("utf-8"))
        index = _skip_space(text, end)
        if text[index] == "]":
            return parts
        index += 1  # past ","


def _skip_space(text, index):
    return _SPACE_RE.match(text, index).end()


def _unique_keys(pairs):
    """``object_pairs_hook``: json keeps the last of duplicate keys silently."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen = set()
        for key, _value in pairs:
            if key in seen:
                raise Rejected(
                    "duplicate_key",
                    f"The key {_show(key)} appears twice in one object of the body: which "
                    "value is meant cannot be told, so the message is not read. Send each "
                    "key once.",
                )
            seen.add(key)
    return data


def normalize(data: dict) -> dict:
    """Check a canonical order and return it normalized, with defaults filled in.

    Raises ``Rejected("invalid_shape")`` when a value has the wrong type or a required
    key is missing, then ``Quarantined`` for the first business problem found.
    """
    order = _read_order(data)
    _fill_defaults(order)
    _check_order(order)
    return order


def payment_of(data: dict) -> dict:
    """The payment of an order as sent (not normalized): status and amount read as
    :func:`normalize` reads them; ``Rejected`` when unreadable."""
    if not isinstance(data, dict):
        raise Rejected("invalid_shape", f"An order must be a JSON object, got {_describe(data)}.")
    return _read_payment(data.get("payment"))


def line_subtotal(line: dict) -> float:
    """Quantity x unit price less the discount percentage, before taxes."""
    discount = line.get("discount") or 0.0
    return line["quantity"] * line["unit_price"] * (1 - discount / 100)


def order_fingerprint(order: dict) -> str:
    """SHA-256 hex of the order dumped as canonical JSON (sorted keys, no spaces).

    Give it the normalized order, so that cosmetic differences (``"12.50"`` vs
    ``12.5``, key order) do not count; used to detect "same key, different body".
    """
    dump = json.dumps(order, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(dump.encode("ascii")).hexdigest()


# ---------------------------------------------------------------------------
# Body
# ---------------------------------------------------------------------------


def _reject_constant(name):
    raise Rejected("malformed_json", f"The body is not valid JSON: {name} is not a JSON number.")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys)


def _order_list(data):
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) or not data:
        raise Rejected(
            "invalid_shape",
            "The body must be one order object or a non-empty list of order objects, "
            f"got {_describe(data)}.",
        )
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            path = f"[{index}]"
            raise Rejected(
                "invalid_shape", f"{path} must be an order object, got {_describe(item)}.", path
            )
    return data


# ---------------------------------------------------------------------------
# Shape: read every value, raise Rejected
# ---------------------------------------------------------------------------


def _read_order(data):
    if not isinstance(data, dict):
        raise Rejected("invalid_shape", f"An order must be a JSON object, got {_describe(data)}.")
    return {
        "reference": _read_reference(data.get("reference")),
        "date_order": _read_date(data.get("date_order"), "date_order"),
        "currency": _text(data.get("currency"), "currency", required=True).upper(),
        "customer": _read_customer(data.get("customer")),
        "shipping_address": _read_address(
            data.get("shipping_address"), "shipping_address", required=True
        ),
        "billing_address": _read_address(data.get("billing_address"), "billing_address"),
        "lines": _read_lines(data.get("lines")),
        "prices_include_tax": _boolean(data.get("prices_include_tax"), "prices_include_tax"),
        "subtotal": _number(data.get("subtotal"), "subtotal"),
        "shipping": _read_shipping(data.get("shipping")),
        "payment": _read_payment(data.get("payment")),
        "note": _text(data.get("note"), "note"),
        "gift_message": _text(data.get("gift_message"), "gift_message"),
        "flags": _read_flags(data.get("flags")),
        "extra": _read_extra(data),
    }


def _read_reference(value):
    reference = _text(value, "reference", required=True)
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise Rejected(
            "invalid_shape",
            f"reference must be at most {REFERENCE_MAX_LENGTH} characters, got "
            f"{len(reference)} ({_show(reference)}).",
            "reference",
        )
    return reference


def _read_date(value, path):
    text = _text(value, path)
    if text is None:
        return None
    try:
        # fromisoformat() only understands a trailing "Z" from Python 3.11 on.
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
    except ValueError:
        raise Rejected(
            "invalid_shape",
            f"{path} must be an ISO 8601 date such as 2026-11-20T10:15:00Z, got {_show(value)}.",
            path,
        ) from None
    if moment.tzinfo is not None:
        moment = (moment - moment.utcoffset()).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _read_customer(value):
    data = _object(value, "customer", CUSTOMER_KEYS, required=True)
    customer = _texts(data, CUSTOMER_KEYS, "customer")
    if customer["name"] is None:
        raise _missing("customer.name")
    if customer["lang"]:
        customer["lang"] = customer["lang"].replace("-", "_")
    return customer


def _read_address(value, path, required=False):
    """The address at ``path``; None when absent or entirely empty (unless required)."""
    data = _object(value, path, ADDRESS_KEYS, required=required)
    if data is None:
        return None
    address = _texts(data, ADDRESS_KEYS, path)
    for key in ("state_code", "country_code"):
        if address[key]:
            address[key] = address[key].upper()
    return address if required or any(address.values()) else None


def _read_lines(value):
    if value is None:
        raise _missing("lines")
    if not isinstance(value, list) or not value:
        raise _wrong_type("lines", "a non-empty list of order lines", value)
    return [_read_line(line, f"lines[{index}]") for index, line in enumerate(value)]


def _read_line(value, path):
    data = _object(value, path, LINE_KEYS, required=True)
    line = {
        "sku": _text(data.get("sku"), f"{path}.sku"),
        "barcode": _text(data.get("barcode"), f"{path}.barcode"),
        "name": _text(data.get("name"), f"{path}.name"),
        "quantity": _number(data.get("quantity"), f"{path}.quantity", required=True),
        "unit_price": _number(data.get("unit_price"), f"{path}.unit_price", required=True),
        "discount": _number(data.get("discount"), f"{path}.discount", default=0.0),
        "taxes_included": _boolean(
            data.get("taxes_included"), f"{path}.taxes_included", default=None
        ),
    }
    if line["sku"] is None and line["barcode"] is None:
        raise Rejected(
            "invalid_shape",
            f"{path} has neither a sku nor a barcode: one of them is needed to find the product.",
            f"{path}.sku",
        )
    return line


def _read_shipping(value):
    data = _object(value, "shipping", SHIPPING_KEYS) or {}
    return {
        "method": _text(data.get("method"), "shipping.method"),
        "amount": _number(data.get("amount"), "shipping.amount", default=0.0),
    }


def _read_payment(value):
    data = _object(value, "payment", PAYMENT_KEYS) or {}
    status = (_text(data.get("status"), "payment.status") or "pending").lower()
    if status not in PAYMENT_STATUSES:
        raise _wrong_type("payment.status", f"one of {', '.join(PAYMENT_STATUSES)}", status)
    return {
        "status": status,
        "method": _text(data.get("method"), "payment.method"),
        "amount": _number(data.get("amount"), "payment.amount"),
        "transaction_ref": _text(data.get("transaction_ref"), "payment.transaction_ref"),
    }


def _read_flags(value):
    data = _object(value, "flags", FLAG_KEYS) or {}
    return {key: _boolean(data.get(key), f"flags.{key}") for key in FLAG_KEYS}


def _read_extra(data):
    extra = data.get("extra")
    if extra is None:
        extra = {}
    elif not isinstance(extra, dict):
        raise _wrong_type("extra", "an object", extra)
    unknown = {key: value for key, value in data.items() if key not in ORDER_KEYS}
    return {**extra, **unknown}


def _fill_defaults(order):
    """Fill the values whose default is another part of the order."""
    if order["billing_address"] is None:
        order["billing_address"] = dict(order["shipping_address"])
    for key in ("shipping_address", "billing_address"):
        order[key]["name"] = order[key]["name"] or order["customer"]["name"]
    for line in order["lines"]:
        if line["taxes_included"] is None:
            line["taxes_included"] = order["prices_include_tax"]
    order["flags"]["gift"] = order["flags"]["gift"] or order["gift_message"] is not None


# ---------------------------------------------------------------------------
# Business: check the normalized order, raise Quarantined
# ---------------------------------------------------------------------------


def _check_order(order):
    _check_currency(order["currency"])
    for key in ("shipping_address", "billing_address"):
        _check_address(order[key], key)
    for index, line in enumerate(order["lines"]):
        _check_line(line, index)
    _check_totals(order)


def _check_currency(currency):
    if not _CURRENCY_RE.fullmatch(currency):
        raise Quarantined(
            "invalid_currency",
            f"currency is {_show(currency)}: expected a 3-letter ISO 4217 code such as EUR or USD.",
            "currency",
        )


def _check_address(address, path):
    label = path.replace("_", " ")
    for key in REQUIRED_ADDRESS_KEYS:
        if not address[key]:
            raise Quarantined(
                "missing_address_field",
                f"{path}.{key} is missing: a {label} needs a name, street, city and country code.",
                f"{path}.{key}",
            )


def _check_line(line, index):
    path = f"lines[{index}]"
    product = f"SKU {line['sku']}" if line["sku"] else f"barcode {line['barcode']}"
    label = f"line {index + 1} ({product})"
    if line["quantity"] <= 0:
        raise Quarantined(
            "invalid_quantity",
            f"{path}.quantity is {_fmt(line['quantity'])} on {label}: a quantity must be "
            "greater than 0.",
            f"{path}.quantity",
        )
    if not 0 <= line["discount"] <= 100:
        raise Quarantined(
            "invalid_discount",
            f"{path}.discount is {_fmt(line['discount'])} on {label}: a discount is a "
            "percentage from 0 to 100.",
            f"{path}.discount",
        )


def _check_totals(order):
    declared = order["subtotal"]
    if declared is not None:
        computed = sum(line_subtotal(line) for line in order["lines"])
        allowed = _SUBTOTAL_TOLERANCE * len(order["lines"])
        # The epsilon absorbs float noise so that exactly `allowed` still passes.
        if abs(declared - computed) > allowed + 1e-9:
            raise Quarantined(
                "totals_mismatch",
                f"subtotal is {_fmt(declared)} but the lines add up to {_fmt(computed)} "
                f"(quantity x unit price less discount); at most {_fmt(allowed)} of "
                "rounding difference is accepted.",
                "subtotal",
            )
    for key in ("shipping", "payment"):
        amount = order[key]["amount"]
        if amount is not None and amount < 0:
            raise Quarantined(
                "totals_mismatch",
                f"{key}.amount is {_fmt(amount)}: an amount cannot be negative.",
                f"{key}.amount",
            )


# ---------------------------------------------------------------------------
# Value readers
# ---------------------------------------------------------------------------


def _object(value, path, keys, required=False):
    """The dict at ``path`` holding only ``keys``; None when absent and not required."""
    if value is None:
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, dict):
        raise _wrong_type(path, "an object", value)
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise Rejected(
            "invalid_shape",
            f"{path} has unknown field(s) {', '.join(unknown)}; the known fields are "
            f"{', '.join(keys)}.",
            f"{path}.{unknown[0]}",
        )
    return value


def _texts(data, keys, path):
    """Every key of ``keys`` read as text from ``data``."""
    return {key: _text(data.get(key), f"{path}.{key}") for key in keys}


def _text(value, path, required=False):
    """Stripped text, or None when missing or empty."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    elif isinstance(value, str):
        value = value.strip()
    elif value is not None:
        raise _wrong_type(path, "text", value)
    if not value:
        if required:
            raise _missing(path)
        return None
    if "\x00" in value:
        # PostgreSQL text cannot hold it, and no name or address has one.
        raise Rejected(
            "invalid_shape", f"{path} holds a NUL character (\\u0000): {_show(value)}.", path
        )
    return value


def _number(value, path, default=None, required=False):
    """Float of a JSON number or numeric text; ``default`` when missing."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if required:
            raise _missing(path)
        return default
    number = _to_float(value)
    if number is None:
        raise _wrong_type(path, "a number", value)
    return number


def _to_float(value):
    """Float of a number or numeric text; None when it is neither, or not finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str) and not _NUMBER_RE.fullmatch(value):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _boolean(value, path, default=False):
    """Bool of true/false, 1/0 or "1"/"0"/"true"/"false"/"yes"/"no"."""
    if isinstance(value, str):
        value = value.strip().lower() or None
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value in _BOOLEANS:
        return _BOOLEANS[value]
    raise _wrong_type(path, "true or false", value)


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------


def _missing(path):
    return Rejected("invalid_shape", f"{path} is required but missing or empty.", path)


def _wrong_type(path, expected, value):
    return Rejected("invalid_shape", f"{path} must be {expected}, got {_show(value)}.", path)


def _show(value):
    """The value as written in JSON, cut short for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # an integer beyond Python's digit limit
        text = "a number too long to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(number):
    """A number without float noise or trailing zeros: 12.5, -1, 1000000."""
    return f"{number:f}".rstrip("0").rstrip(".")


def _describe(value):
    """The JSON type of a value, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return "an object"
