"""The canonical order: reading intake bodies, normalizing, reason codes."""

import copy

import pytest
from oms_lib import canonical
from oms_lib.canonical import IntakeProblem, Quarantined, Rejected


def make_order(**overrides):
    """A small valid canonical order; keyword arguments replace top-level keys."""
    order = {
        "reference": "WEB-1001",
        "currency": "EUR",
        "customer": {"name": "Marie Dupont", "email": "marie.dupont@example.com"},
        "shipping_address": {
            "street": "12 rue de la Paix",
            "city": "Paris",
            "zip": "75002",
            "country_code": "fr",
        },
        "lines": [
            {"sku": "TSHIRT-M-BLUE", "quantity": 2, "unit_price": 19.9},
            {"barcode": "3760001234567", "quantity": "1", "unit_price": "9.50", "discount": 10},
        ],
    }
    order.update(overrides)
    return order


def problem_of(data):
    """The problem normalize() raises for ``data``."""
    with pytest.raises(IntakeProblem) as info:
        canonical.normalize(data)
    return info.value


# ---------------------------------------------------------------------------
# A Shopify order mapped by hand, as a channel adapter would
# ---------------------------------------------------------------------------

SHOPIFY_ORDER = {
    "id": 5123456789012,
    "name": "#1001",
    "created_at": "2026-11-20T11:15:00+01:00",
    "currency": "EUR",
    "taxes_included": True,
    "subtotal_price": "48.35",
    "total_price": "53.25",
    "financial_status": "paid",
    "gateway": "shopify_payments",
    "note": "Leave the parcel with the concierge",
    "note_attributes": [{"name": "gift_message", "value": "Happy birthday!"}],
    "tags": "VIP, newsletter",
    "customer": {
        "first_name": "Marie",
        "last_name": "Dupont",
        "email": "marie.dupont@example.com",
        "phone": "+33612345678",
        "locale": "fr-FR",
    },
    "shipping_address": {
        "first_name": "Paul",
        "last_name": "Dupont",
        "company": None,
        "address1": "12 rue de la Paix",
        "address2": "3e étage",
        "city": "Paris",
        "zip": "75002",
        "province_code": None,
        "country_code": "FR",
        "phone": "+33698765432",
    },
    "billing_address": {
        "first_name": "Marie",
        "last_name": "Dupont",
        "company": "Dupont SARL",
        "address1": "5 avenue Foch",
        "address2": None,
        "city": "Lyon",
        "zip": "69006",
        "province_code": None,
        "country_code": "FR",
        "phone": None,
    },
    "line_items": [
        {
            "sku": "TSHIRT-M-BLUE",
            "title": "T-shirt",
            "variant_title": "M / Blue",
            "quantity": 2,
            "price": "19.90",
            "total_discount": "0.00",
        },
        {
            "sku": "MUG-WHITE",
            "title": "White mug",
            "variant_title": None,
            "quantity": 1,
            "price": "9.50",
            "total_discount": "0.95",
        },
    ],
    "shipping_lines": [{"title": "Colissimo", "price": "4.90"}],
}


def shopify_address(address):
    return {
        "name": f"{address['first_name']} {address['last_name']}",
        "street": address["address1"],
        "street2": address["address2"],
        "city": address["city"],
        "zip": address["zip"],
        "state_code": address["province_code"],
        "country_code": address["country_code"],
        "phone": address["phone"],
    }


def shopify_line(item):
    gross = item["quantity"] * float(item["price"])
    name = " - ".join(part for part in (item["title"], item["variant_title"]) if part)
    return {
        "sku": item["sku"],
        "name": name,
        "quantity": item["quantity"],
        "unit_price": item["price"],
        "discount": float(item["total_discount"]) / gross * 100,
    }


def shopify_to_canonical(payload):
    attributes = {item["name"]: item["value"] for item in payload["note_attributes"]}
    customer = payload["customer"]
    shipping = payload["shipping_lines"][0]
    return {
        "reference": payload["name"],
        "date_order": payload["created_at"],
        "currency": payload["currency"],
        "customer": {
            "name": f"{customer['first_name']} {customer['last_name']}",
            "email": customer["email"],
            "phone": customer["phone"],
            "lang": customer["locale"],
            "company_name": payload["billing_address"]["company"],
        },
        "shipping_address": shopify_address(payload["shipping_address"]),
        "billing_address": shopify_address(payload["billing_address"]),
        "lines": [shopify_line(item) for item in payload["line_items"]],
        "prices_include_tax": payload["taxes_included"],
        "subtotal": payload["subtotal_price"],
        "shipping": {"method": shipping["title"], "amount": shipping["price"]},
        "payment": {
            "status": payload["financial_status"],
            "method": payload["gateway"],
            "amount": payload["total_price"],
        },
        "note": payload["note"],
        "gift_message": attributes.get("gift_message"),
        "flags": {"vip": "VIP" in payload["tags"].split(", ")},
        "shopify_id": payload["id"],
    }


def test_shopify_order_normalizes_to_canonical():
    order = canonical.normalize(shopify_to_canonical(SHOPIFY_ORDER))

    assert order["reference"] == "#1001"
    assert order["date_order"] == "2026-11-20 10:15:00"  # 11:15 in Paris is 10:15 UTC
    assert order["customer"]["lang"] == "fr_FR"
    assert order["customer"]["company_name"] == "Dupont SARL"
    assert order["shipping_address"]["name"] == "Paul Dupont"
    assert order["shipping_address"]["street2"] == "3e étage"
    assert order["billing_address"]["city"] == "Lyon"
    first, second = order["lines"]
    assert first == {
        "sku": "TSHIRT-M-BLUE",
        "barcode": None,
        "name": "T-shirt - M / Blue",
        "quantity": 2.0,
        "unit_price": 19.9,
        "discount": 0.0,
        "taxes_included": True,
    }
    assert second["discount"] == pytest.approx(10.0)
    assert second["taxes_included"] is True
    assert order["subtotal"] == 48.35
    assert order["shipping"] == {"method": "Colissimo", "amount": 4.9}
    assert order["payment"] == {
        "status": "paid",
        "method": "shopify_payments",
        "amount": 53.25,
        "transaction_ref": None,
    }
    assert order["flags"] == {"vip": True, "gift": True, "priority": False}
    assert order["extra"] == {"shopify_id": 5123456789012}


# ---------------------------------------------------------------------------
# parse_body
# ---------------------------------------------------------------------------


def test_parse_body_accepts_one_order_or_a_list():
    assert canonical.parse_body(b'{"reference": "A"}') == [{"reference": "A"}]
    assert canonical.parse_body(b'[{"reference": "A"}, {"reference": "B"}]') == [
        {"reference": "A"},
        {"reference": "B"},
    ]


def test_parse_body_refuses_a_bom_which_network_json_must_not_have():
    raw = b"\xef\xbb\xbf" + '{"reference": "Café"}'.encode()
    with pytest.raises(Rejected) as info:
        canonical.parse_body(raw)
    assert info.value.code == "byte_order_mark"
    assert "EF BB BF" in info.value.message


def test_decode_utf8_tolerates_a_bom_in_files():
    raw = b"\xef\xbb\xbf" + "Café".encode()
    assert canonical.decode_utf8(raw, "The file") == "Café"


def test_parse_body_parts_keeps_each_order_as_sent():
    raw = b'[ {"reference": "A"} ,\n{"reference":"B", "note": "caf\xc3\xa9"}]'
    parts = canonical.parse_body_parts(raw)
    assert [payload["reference"] for payload, _part in parts] == ["A", "B"]
    assert [part for _payload, part in parts] == [
        b'{"reference": "A"}',
        b'{"reference":"B", "note": "caf\xc3\xa9"}',
    ]
    assert canonical.parse_body_parts(b' {"reference": "A"}\n') == [
        ({"reference": "A"}, b' {"reference": "A"}\n')
    ]


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        (b'{"reference": "A\x00"}', "malformed_json", "control character"),
        (b"\x00", "malformed_json", "Expecting value"),
        (b"  ", "malformed_json", "empty"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed_json", "nested too deeply"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "malformed_json", "nested too deeply"),
        (b'{"quantity": ' + b"9" * 10_000 + b"}", "malformed_json", "digits"),
        (b'{"reference": "A", "reference": "B"}', "duplicate_key", '"reference" appears twice'),
        (b'[{"x": {"k": 1, "k": 1}}]', "duplicate_key", '"k" appears twice'),
    ],
)
def test_parse_body_rejects_hostile_bodies_with_a_reason(raw, code, fragment):
    with pytest.raises(Rejected) as info:
        canonical.parse_body(raw)
    assert info.value.code == code
    assert fragment in info.value.message


def test_a_nul_character_in_a_text_is_rejected():
    with pytest.raises(Rejected) as info:
        canonical.normalize(make_order(reference="WEB\x001"))
    assert info.value.code == "invalid_shape"
    assert info.value.path == "reference"


def test_parse_body_rejects_latin1_naming_the_byte_and_line():
    with pytest.raises(Rejected) as info:
        canonical.parse_body(b'{\n"note": "caf\xe9"}')
    assert info.value.code == "not_utf8"
    assert info.value.kind == "rejected"
    assert "0xE9 on line 2" in info.value.message


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b'{\n  "reference": "A",\n  "currency" "EUR"\n}', "line 3, column 14"),
        (b'{"reference": "A",}', "line 1, column 19"),
        (b"", "line 1, column 1"),
    ],
)
def test_parse_body_malformed_json_gives_line_and_column(raw, where):
    with pytest.raises(Rejected) as info:
        canonical.parse_body(raw)
    assert info.value.code == "malformed_json"
    assert where in info.value.message


def test_parse_body_refuses_nan_which_is_not_json():
    with pytest.raises(Rejected) as info:
        canonical.parse_body(b'{"subtotal": NaN}')
    assert info.value.code == "malformed_json"
    assert "NaN" in info.value.message


@pytest.mark.parametrize(
    ("raw", "path", "fragment"),
    [
        (b"42", "", "got a number"),
        (b"[]", "", "got an empty list"),
        (b'"WEB-1"', "", "got text"),
        (b'[{"reference": "A"}, 3]', "[1]", "[1] must be an order object, got a number"),
    ],
)
def test_parse_body_rejects_other_shapes(raw, path, fragment):
    with pytest.raises(Rejected) as info:
        canonical.parse_body(raw)
    assert info.value.code == "invalid_shape"
    assert info.value.path == path
    assert fragment in info.value.message


# ---------------------------------------------------------------------------
# normalize: defaults and conversions
# ---------------------------------------------------------------------------


def test_normalize_fills_defaults():
    order = canonical.normalize(make_order())

    assert order["date_order"] is None
    assert order["shipping_address"]["name"] == "Marie Dupont"
    assert order["billing_address"] == order["shipping_address"]
    assert order["billing_address"] is not order["shipping_address"]
    assert order["prices_include_tax"] is False
    assert [line["taxes_included"] for line in order["lines"]] == [False, False]
    assert order["lines"][0]["discount"] == 0.0
    assert order["shipping"] == {"method": None, "amount": 0.0}
    assert order["payment"] == {
        "status": "pending",
        "method": None,
        "amount": None,
        "transaction_ref": None,
    }
    assert order["flags"] == {"vip": False, "gift": False, "priority": False}
    assert order["extra"] == {}


def test_normalize_converts_text_numbers_booleans_and_codes():
    data = make_order(
        reference="  WEB-1001 ",
        currency=" eur",
        prices_include_tax="yes",
        flags={"vip": "1", "priority": "No"},
        payment={"status": "PAID", "amount": "44.70"},
    )
    data["shipping_address"]["state_code"] = "idf"
    data["shipping_address"]["zip"] = 75002
    data["lines"][1]["taxes_included"] = "0"

    order = canonical.normalize(data)

    assert order["reference"] == "WEB-1001"
    assert order["currency"] == "EUR"
    assert order["shipping_address"]["country_code"] == "FR"
    assert order["shipping_address"]["state_code"] == "IDF"
    assert order["shipping_address"]["zip"] == "75002"
    assert order["lines"][1]["quantity"] == 1.0
    assert order["lines"][1]["unit_price"] == 9.5
    assert [line["taxes_included"] for line in order["lines"]] == [True, False]
    assert order["flags"] == {"vip": True, "gift": False, "priority": False}
    assert order["payment"]["status"] == "paid"
    assert order["payment"]["amount"] == 44.7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T10:15:00Z", "2026-11-20 10:15:00"),
        ("2026-11-20T11:15:00+01:00", "2026-11-20 10:15:00"),
        ("2026-11-20T10:15:00.123456", "2026-11-20 10:15:00"),
        ("2026-11-20 10:15:00", "2026-11-20 10:15:00"),
        ("2026-11-20", "2026-11-20 00:00:00"),
        ("", None),
    ],
)
def test_normalize_date_order_to_naive_utc(value, expected):
    assert canonical.normalize(make_order(date_order=value))["date_order"] == expected


def test_gift_message_makes_the_order_a_gift():
    order = canonical.normalize(make_order(gift_message="Happy birthday!"))
    assert order["flags"]["gift"] is True


def test_unknown_top_level_keys_are_kept_under_extra():
    order = canonical.normalize(make_order(source="newsletter", extra={"utm": "nov"}))
    assert order["extra"] == {"utm": "nov", "source": "newsletter"}


def test_empty_billing_address_means_same_as_shipping():
    order = canonical.normalize(make_order(billing_address={"name": "", "city": None}))
    assert order["billing_address"] == order["shipping_address"]


def test_normalize_does_not_change_its_input():
    data = make_order()
    kept = copy.deepcopy(data)
    canonical.normalize(data)
    assert data == kept


# ---------------------------------------------------------------------------
# normalize: rejected shapes
# ---------------------------------------------------------------------------


def _set(path, value):
    """A change to make_order(): set the value at a dotted path (ints index lists)."""

    def change(order):
        *parents, key = path
        target = order
        for parent in parents:
            target = target[parent]
        if value is _DELETE:
            del target[key]
        else:
            target[key] = value
        return order

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (_set(["reference"], _DELETE), "reference", "reference is required"),
        (_set(["reference"], "W" * 65), "reference", "at most 64 characters, got 65"),
        (_set(["currency"], _DELETE), "currency", "currency is required"),
        (_set(["customer", "name"], "  "), "customer.name", "customer.name is required"),
        (_set(["customer"], "Marie"), "customer", 'customer must be an object, got "Marie"'),
        (_set(["shipping_address"], _DELETE), "shipping_address", "is required"),
        (
            _set(["shipping_address", "zipcode"], "75002"),
            "shipping_address.zipcode",
            "unknown field(s) zipcode",
        ),
        (_set(["lines"], []), "lines", "lines must be a non-empty list of order lines, got []"),
        (_set(["lines", 1, "barcode"], None), "lines[1].sku", "neither a sku nor a barcode"),
        (
            _set(["lines", 0, "quantity"], "two"),
            "lines[0].quantity",
            'lines[0].quantity must be a number, got "two"',
        ),
        (_set(["lines", 0, "unit_price"], "nan"), "lines[0].unit_price", "must be a number"),
        (_set(["lines", 0, "unit_price"], True), "lines[0].unit_price", "got true"),
        (_set(["lines", 0, "quantity"], _DELETE), "lines[0].quantity", "is required"),
        (_set(["date_order"], "20/11/2026"), "date_order", "ISO 8601 date such as"),
        (
            _set(["payment"], {"status": "refunded"}),
            "payment.status",
            'one of paid, authorized, pending, cod, got "refunded"',
        ),
        (_set(["flags"], {"vip": "maybe"}), "flags.vip", 'true or false, got "maybe"'),
    ],
)
def test_shape_problems_are_rejected_with_path_and_value(change, path, fragment):
    problem = problem_of(change(make_order()))

    assert isinstance(problem, Rejected)
    assert (problem.code, problem.kind, problem.path) == ("invalid_shape", "rejected", path)
    assert fragment in problem.message


def test_an_order_that_is_not_an_object_is_rejected():
    problem = problem_of(["WEB-1001"])
    assert problem.code == "invalid_shape"
    assert "must be a JSON object, got a list" in problem.message


def test_shape_problems_come_before_business_problems():
    data = make_order(currency="EURO")
    data["lines"][0]["quantity"] = -1
    del data["customer"]["name"]

    problem = problem_of(data)

    assert problem.kind == "rejected"
    assert problem.path == "customer.name"


# ---------------------------------------------------------------------------
# normalize: quarantined business problems, one per reason code
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "path", "fragment"),
    [
        (
            _set(["lines", 1, "quantity"], 0),
            "invalid_quantity",
            "lines[1].quantity",
            "lines[1].quantity is 0 on line 2 (barcode 3760001234567)",
        ),
        (
            _set(["lines", 0, "quantity"], "-3"),
            "invalid_quantity",
            "lines[0].quantity",
            "is -3 on line 1 (SKU TSHIRT-M-BLUE)",
        ),
        (
            _set(["shipping_address", "city"], ""),
            "missing_address_field",
            "shipping_address.city",
            "shipping_address.city is missing",
        ),
        (
            _set(
                ["billing_address"], {"name": "Dupont SARL", "city": "Lyon", "country_code": "FR"}
            ),
            "missing_address_field",
            "billing_address.street",
            "billing address needs a",
        ),
        (
            _set(["subtotal"], "50.00"),
            "totals_mismatch",
            "subtotal",
            "subtotal is 50 but the lines add up to 48.35",
        ),
        (
            _set(["payment"], {"status": "paid", "amount": -5}),
            "totals_mismatch",
            "payment.amount",
            "payment.amount is -5",
        ),
        (
            _set(["shipping"], {"amount": "-4.90"}),
            "totals_mismatch",
            "shipping.amount",
            "shipping.amount is -4.9",
        ),
        (_set(["currency"], "EURO"), "invalid_currency", "currency", 'currency is "EURO"'),
        (_set(["currency"], "€"), "invalid_currency", "currency", 'currency is "€"'),
        (
            _set(["lines", 0, "discount"], 150),
            "invalid_discount",
            "lines[0].discount",
            "lines[0].discount is 150 on line 1 (SKU TSHIRT-M-BLUE)",
        ),
        (_set(["lines", 0, "discount"], -5), "invalid_discount", "lines[0].discount", "is -5"),
    ],
)
def test_business_problems_are_quarantined_with_reason(change, code, path, fragment):
    problem = problem_of(change(make_order()))

    assert isinstance(problem, Quarantined)
    assert code in canonical.QUARANTINED_CODES
    assert (problem.code, problem.kind, problem.path) == (code, "quarantined", path)
    assert fragment in problem.message
    assert problem.to_dict() == {
        "kind": "quarantined",
        "code": code,
        "message": problem.message,
        "path": path,
    }


@pytest.mark.parametrize(
    ("declared", "accepted"),
    [
        ("48.35", True),
        ("48.37", True),  # 2 lines: up to 0.02 of rounding difference
        ("48.33", True),
        ("48.38", False),
    ],
)
def test_declared_subtotal_tolerates_a_cent_per_line(declared, accepted):
    data = make_order(subtotal=declared)
    if accepted:
        assert canonical.normalize(data)["subtotal"] == float(declared)
    else:
        assert problem_of(data).code == "totals_mismatch"


# ---------------------------------------------------------------------------
# line_subtotal, order_fingerprint
# ---------------------------------------------------------------------------


def test_line_subtotal_applies_the_discount_percentage():
    assert canonical.line_subtotal({"quantity": 3, "unit_price": 10.0, "discount": 25}) == 22.5
    assert canonical.line_subtotal({"quantity": 2, "unit_price": 4.5}) == 9.0


def test_fingerprint_ignores_cosmetic_differences_of_the_same_order():
    first = canonical.normalize(make_order())
    as_text = make_order()
    as_text["lines"][0].update(quantity="2", unit_price="19.90")
    reordered = dict(reversed(list(canonical.normalize(as_text).items())))

    fingerprint = canonical.order_fingerprint(first)

    assert len(fingerprint) == 64
    assert canonical.order_fingerprint(reordered) == fingerprint


def test_fingerprint_changes_when_the_order_changes():
    changed = make_order()
    changed["lines"][0]["quantity"] = 3
    assert canonical.order_fingerprint(canonical.normalize(changed)) != (
        canonical.order_fingerprint(canonical.normalize(make_order()))
    )
