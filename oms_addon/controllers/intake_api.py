# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The order intake REST API: verify the request, store it raw, answer fast."""

import hmac
import json
import logging
import time

from odoo import http
from odoo.http import request

from ..lib import canonical, signature

_logger = logging.getLogger(__name__)

BASE = "/oms/v1/channels/<string:code>/orders"
# Bodies over the limit but within this many times it are still stored (and
# refused); bigger ones are refused unread.
READ_FACTOR = 4
# Request headers kept on the intake (never Authorization: it holds the key).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Length",
    "User-Agent",
    "Idempotency-Key",
    "X-OMS-Signature",
    "X-Request-Id",
    "X-Forwarded-For",
)


class IntakeApi(http.Controller):
    @http.route(
        BASE,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def post_orders(self, code, **_kwargs):
        """Accept one canonical order or a list of them: 202 with the intake ids.

        Every authenticated body is stored byte for byte before it is judged, the
        hostile ones too (400 or 413 with the reason, and the intake id)."""
        limit = int(
            request.env["ir.config_parameter"]
            .sudo()
            .get_param("oms_addon.api_max_body_bytes", 2 * 1024 * 1024)
        )
        httprequest = request.httprequest
        # Up to READ_FACTOR times the limit is read, authenticated and stored (then
        # refused with 413); beyond, the body is refused unread: it cannot be
        # authenticated without reading it, and is not stored.
        if (httprequest.content_length or 0) > limit * READ_FACTOR:
            return _error(
                413,
                "too_large",
                f"The body is over the limit of {limit} bytes (and too large to be stored).",
            )
        raw = httprequest.get_data()  # at most Odoo's max_content_length when chunked
        if len(raw) > limit * READ_FACTOR:
            return _error(
                413,
                "too_large",
                f"The body is over the limit of {limit} bytes (and too large to be stored).",
            )
        channel, refusal = _authenticate(code, raw)
        if refusal:
            return refusal
        key = httprequest.headers.get("Idempotency-Key")
        digest = signature.body_digest(raw)
        # sudo: the request is authenticated as coming from the channel, not a user.
        intake_model = request.env["oms.intake"].sudo().with_company(channel.company_id)
        if key:
            replay = _replay(channel, key, digest)
            if replay:
                return replay
        headers = {
            name: httprequest.headers[name] for name in KEPT_HEADERS if name in httprequest.headers
        }
        common = {
            "source": "api",
            "headers": headers,
            "source_detail": f"POST from {httprequest.remote_addr}",
            "idempotency_key": key,
            "body_digest": digest,
        }
        if len(raw) > limit:
            intakes = intake_model._receive_rejected(
                channel,
                raw,
                canonical.Rejected(
                    "too_large",
                    f"The body has {len(raw)} bytes, over the limit of {limit} bytes; it is "
                    "kept as received. Send the orders in several requests.",
                ),
                **common,
            )
            status = 413
        else:
            intakes = intake_model._receive(channel, raw, **common)
            status = 400 if all(i.state == "rejected" for i in intakes) else 202
        answer = {"accepted": sum(i.state != "rejected" for i in intakes)}
        answer["intakes"] = intakes._api_summary()
        if status != 202:
            answer["error"] = {"code": intakes[0].reason_code, "message": intakes[0].reason}
        if status == 202:
            intake_model._trigger_processing()
        response = json.dumps(answer)
        if key:  # kept for replays of the same Idempotency-Key
            intakes.write({"api_response": json.dumps({"status": status, "body": answer})})
        return request.make_response(
            response, headers=[("Content-Type", "application/json")], status=status
        )

    @http.route(
        f"{BASE}/<path:reference>",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=False,  # a refusal increments the channel's counter
    )
    def get_order(self, code, reference, **_kwargs):
        """Where the order with this channel reference stands."""
        channel, refusal = _authenticate(code, b"")
        if refusal:
            return refusal
        # sudo: authenticated as the channel above; only its own intakes are read.
        intakes = (
            request.env["oms.intake"]
            .sudo()
            .search(
                [("channel_id", "=", channel.id), ("external_ref", "=", reference)],
                order="id desc",
            )
        )
        if not intakes:
            return _error(404, "not_found", f"No order {reference!r} was received.")
        with_order = intakes.filtered("order_id")
        latest = with_order[:1] or intakes[:1]
        (summary,) = latest._api_summary()
        return request.make_json_response(
            {
                "reference": reference,
                "intake": summary,
                "order": summary["order"],
                "oms_stage": summary["oms_stage"],
                "messages": len(intakes),
            }
        )


# ----------------------------------------------------------------------
def _error(status, code, message):
    return request.make_json_response({"error": {"code": code, "message": message}}, status=status)


def _authenticate(code, raw):
    """(channel, None) when the bearer key and the signature are right, else
    (None, 401 response). A refusal only increments the channel's counter."""
    # sudo: the credentials are admin-only fields and the caller is not a user;
    # the key and signature checks below are what authenticate the request.
    channel = request.env["oms.channel"].sudo().search([("code", "=", code)], limit=1)
    headers = request.httprequest.headers
    token = signature.bearer_token(headers.get("Authorization"))
    credentials = channel._valid_credentials() if channel else []
    secrets = [secret for key, secret in credentials if token and hmac.compare_digest(key, token)]
    if not secrets:
        return None, _refuse(channel, "unauthorized", "Unknown channel or wrong API key.")
    try:
        signature.verify(headers.get(signature.HEADER), raw, secrets, now=int(time.time()))
    except signature.SignatureError as error:
        return None, _refuse(channel, f"signature_{error.reason}", error.message)
    return channel, None


def _refuse(channel, code, message):
    if channel:
        channel._register_auth_failure()
    _logger.info("OMS intake API refused a request for channel %s: %s", channel.code, code)
    return _error(401, code, message)


def _replay(channel, key, digest):
    """Stripe's Idempotency-Key: the same key and body get the first answer again,
    the same key with another body a 409. Requests with one key are serialized by a
    transaction-level advisory lock, so a concurrent retry waits for the first."""
    cr = request.env.cr
    cr.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"oms-idem:{channel.id}:{key}"]
    )
    first = (
        request.env["oms.intake"]
        .sudo()
        .search(
            [("channel_id", "=", channel.id), ("idempotency_key", "=", key)], order="id", limit=1
        )
    )
    if not first:
        return None
    if first.body_digest != digest:
        return _error(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with another body.",
        )
    stored = json.loads(first.api_response or "{}")
    return request.make_response(
        json.dumps(stored.get("body", {})),
        headers=[("Content-Type", "application/json"), ("Idempotent-Replayed", "true")],
        status=stored.get("status", 202),
    )
