"""Request signing and API keys for the intake API.

A sender signs each request Stripe-style, in the header ``X-OMS-Signature``::

    X-OMS-Signature: t=1763633700,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e7...(64 hex digits)

``t`` is the Unix time in seconds when the request was signed and ``v1`` the hex
HMAC-SHA256 of ``"<t>.<raw body>"`` keyed with the channel's signing secret. Several
``v1=`` entries may be given (a sender rotating its secret signs with both); entries of
other schemes are ignored. The receiver accepts the request when any of its secrets
(the active one and, during a rotation, the previous one) matches any ``v1`` entry
and ``t`` is within the tolerance of its clock, in the past or in the future.

Idempotency-Key requests are compared by the SHA-256 digest of their body.
"""

import hashlib
import hmac
import secrets as _secrets

HEADER = "X-OMS-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300

_SIGNATURE_LENGTH = hashlib.sha256().digest_size * 2
_HEX_DIGITS = frozenset("0123456789abcdef")


class SignatureError(Exception):
    """The request signature is not acceptable.

    ``reason`` is one of ``missing``, ``malformed``, ``stale``, ``mismatch``; the
    message says what is wrong without revealing the expected signature.
    """

    REASONS = ("missing", "malformed", "stale", "mismatch")

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-OMS-Signature`` header value for ``body`` signed at ``timestamp``."""
    return f"t={timestamp},{SCHEME}={_hmac_hex(secret, timestamp, body)}"


def verify(
    header: str | None,
    body: bytes,
    secrets: list[str],
    now: int,
    tolerance: int = DEFAULT_TOLERANCE,
) -> None:
    """Check an ``X-OMS-Signature`` header; raise :class:`SignatureError` if not valid.

    ``secrets`` lists the accepted signing secrets (active, then previous during a
    rotation); empty entries are ignored. ``now`` is the receiver's Unix time and
    ``tolerance`` the accepted clock difference in seconds, either way.
    """
    if not header or not header.strip():
        raise SignatureError("missing", f"The {HEADER} header is missing.")
    timestamp, signatures = _parse(header)
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            "stale",
            f"The signature time t={timestamp} is {abs(now - timestamp)} seconds away from "
            f"the server time; at most {tolerance} seconds are accepted.",
        )
    expected = [_hmac_hex(secret, timestamp, body) for secret in secrets if secret]
    # Compare every pair so the time taken does not depend on which one matched.
    matches = [hmac.compare_digest(e, s) for e in expected for s in signatures]
    if not any(matches):
        raise SignatureError(
            "mismatch",
            f"The {HEADER} signature does not match the body with the configured secret.",
        )


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, None otherwise."""
    scheme, _, token = (authorization_header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def key_digest(key: str) -> str:
    """SHA-256 hex of an API key, to store and look it up without keeping it in clear."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_secret(nbytes: int = 32) -> str:
    """A new random URL-safe secret (API key or signing secret)."""
    return _secrets.token_urlsafe(nbytes)


def body_digest(body: bytes) -> str:
    """SHA-256 hex of a raw request body, to compare retries of one Idempotency-Key."""
    return hashlib.sha256(body).hexdigest()


def _hmac_hex(secret, timestamp, body):
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _parse(header):
    """``(timestamp, [v1 signatures])`` of a header value, or ``malformed``."""
    timestamps, signatures = [], []
    for item in header.split(","):
        name, equal, value = item.strip().partition("=")
        if not equal:
            raise _malformed(f"the entry {item.strip()!r} is not of the form name=value")
        if name == "t":
            timestamps.append(value)
        elif name == SCHEME:
            signatures.append(value.lower())
    if len(timestamps) != 1 or not timestamps[0].isascii() or not timestamps[0].isdigit():
        raise _malformed("it needs exactly one t=<unix seconds> entry")
    if not signatures:
        raise _malformed(f"it has no {SCHEME}= signature")
    for signature in signatures:
        if len(signature) != _SIGNATURE_LENGTH or not _HEX_DIGITS.issuperset(signature):
            raise _malformed(f"a {SCHEME} signature must be {_SIGNATURE_LENGTH} hex digits")
    return int(timestamps[0]), signatures


def _malformed(detail):
    return SignatureError(
        "malformed", f"The {HEADER} header is malformed: {detail}. Expected t=...,v1=...."
    )
