"""Request signatures, bearer tokens and digests of the intake API."""

import hashlib
import hmac

import pytest
from oms_lib import signature
from oms_lib.signature import SignatureError

SECRET = "whsec_active_0123456789"
OLD_SECRET = "whsec_previous_9876543210"
BODY = b'{"reference": "WEB-1001", "currency": "EUR"}'
NOW = 1_763_633_700


def reason_of(header, body=BODY, secrets=(SECRET,), now=NOW, tolerance=300):
    """The reason verify() refuses with."""
    with pytest.raises(SignatureError) as info:
        signature.verify(header, body, list(secrets), now, tolerance)
    return info.value.reason


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature.sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_good_signature_is_accepted_within_tolerance_either_way():
    for signed_at in (NOW, NOW - 300, NOW + 300):
        header = signature.sign(SECRET, BODY, signed_at)
        assert signature.verify(header, BODY, [SECRET], NOW) is None


def test_wrong_secret_is_a_mismatch():
    assert reason_of(signature.sign("someone-else", BODY, NOW)) == "mismatch"


def test_tampered_body_is_a_mismatch():
    header = signature.sign(SECRET, BODY, NOW)
    assert reason_of(header, body=BODY.replace(b"1001", b"1002")) == "mismatch"


def test_old_signature_is_stale():
    header = signature.sign(SECRET, BODY, NOW - 301)
    with pytest.raises(SignatureError) as info:
        signature.verify(header, BODY, [SECRET], NOW)
    assert info.value.reason == "stale"
    assert "301 seconds" in info.value.message


def test_signature_from_the_future_is_stale_too():
    assert reason_of(signature.sign(SECRET, BODY, NOW + 301)) == "stale"


def test_tolerance_can_be_narrowed():
    assert reason_of(signature.sign(SECRET, BODY, NOW - 30), tolerance=10) == "stale"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_absent_header_is_missing(header):
    assert reason_of(header) == "missing"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "v1=" + "a" * 64,  # no timestamp
        f"t={NOW}",  # no signature
        f"t=soon,v1={'a' * 64}",  # timestamp not a number
        f"t={NOW},t={NOW},v1={'a' * 64}",  # two timestamps
        f"t={NOW},v1=abc",  # too short
        f"t={NOW},v1={'z' * 64}",  # not hex
        f"t={NOW},v0={'a' * 64}",  # only an unknown scheme
        f"t=١٢٣,v1={'a' * 64}",  # non-ASCII digits
    ],
)
def test_malformed_headers_are_refused_as_malformed(header):
    assert reason_of(header) == "malformed"


def test_rotation_accepts_either_of_two_secrets():
    secrets = [SECRET, OLD_SECRET]
    for secret in secrets:
        signature.verify(signature.sign(secret, BODY, NOW), BODY, secrets, NOW)
    assert reason_of(signature.sign(OLD_SECRET, BODY, NOW)) == "mismatch"


def test_sender_rotating_may_send_several_v1_entries():
    old = signature.sign(OLD_SECRET, BODY, NOW)
    new_hex = signature.sign(SECRET, BODY, NOW).split("v1=")[1]
    # Spaces after commas and upper-case hex are tolerated.
    signature.verify(f"{old}, v1={new_hex.upper()}", BODY, [SECRET], NOW)


def test_empty_secrets_never_match():
    header = signature.sign("", BODY, NOW)
    assert reason_of(header, secrets=("", None)) == "mismatch"


def test_messages_do_not_reveal_the_expected_signature():
    header = signature.sign("someone-else", BODY, NOW)
    expected = signature.sign(SECRET, BODY, NOW).split("v1=")[1]
    with pytest.raises(SignatureError) as info:
        signature.verify(header, BODY, [SECRET], NOW)
    assert expected not in str(info.value)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.DEF-123", "abc.DEF-123"),
        ("bearer   abc  ", "abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header, token):
    assert signature.bearer_token(header) == token


def test_key_digest_is_stable_sha256_and_does_not_contain_the_key():
    key = "oms_live_4f9c2b"
    digest = signature.key_digest(key)
    assert digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in digest
    assert signature.key_digest("oms_live_4f9c2c") != digest


def test_generate_secret_is_random_and_url_safe():
    first, second = signature.generate_secret(), signature.generate_secret()
    assert first != second
    assert len(first) >= 43  # 32 random bytes
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_body_digest_tells_retried_bodies_apart():
    assert signature.body_digest(BODY) == hashlib.sha256(BODY).hexdigest()
    assert signature.body_digest(BODY) != signature.body_digest(BODY + b" ")
