# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import json
import time

from odoo.tests import HttpCase, tagged

from ..lib import signature
from .common import OmsCase, as_body, canonical_order


@tagged("post_install", "-at_install")
class TestIntakeApi(HttpCase, OmsCase):
    """The REST API through real HTTP requests to the test server."""

    def post(self, body, channel=None, key=None, secret=None, timestamp=None, headers=None):
        channel = channel or self.channel
        sent = {
            "Content-Type": "application/json",
            "Authorization": "Bearer %s" % (key or channel.api_key),
            signature.HEADER: signature.sign(
                secret or channel.signing_secret, body, timestamp or int(time.time())
            ),
        }
        sent.update(headers or {})
        # Not url_open: it sends a GET when the body is empty.
        return self.opener.post(
            self.base_url() + "/oms/v1/channels/%s/orders" % channel.code,
            data=body,
            headers=sent,
            allow_redirects=False,
            timeout=30,
        )

    def get_status(self, reference, channel=None):
        channel = channel or self.channel
        return self.url_open(
            "/oms/v1/channels/%s/orders/%s" % (channel.code, reference),
            headers={
                "Authorization": "Bearer %s" % channel.api_key,
                signature.HEADER: signature.sign(channel.signing_secret, b"", int(time.time())),
            },
            allow_redirects=False,
        )

    def orders(self, reference):
        return self.env["sale.order"].search([("oms_channel_ref", "=", reference)])

    # ------------------------------------------------------------------
    def test_accepted_processed_and_status_answered(self):
        response = self.post(as_body(canonical_order("API-1")))
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        self.assertEqual(answer["accepted"], 1)
        (summary,) = answer["intakes"]
        self.assertEqual(summary["state"], "received", "answered before processing")
        intake = self.env["oms.intake"].browse(summary["id"])
        self.assertEqual(intake.channel_id, self.channel)
        headers = json.loads(intake.headers)
        self.assertIn(signature.HEADER, headers)
        self.assertNotIn("Authorization", headers, "the key is never stored")
        self.env["oms.intake"]._cron_process()
        status = self.get_status("API-1")
        self.assertEqual(status.status_code, 200, status.text)
        self.assertEqual(status.json()["intake"]["state"], "done")
        self.assertEqual(status.json()["order"], self.orders("API-1").name)
        self.assertEqual(status.json()["oms_stage"], "received")
        self.assertEqual(self.get_status("NOPE").status_code, 404)

    def test_same_signed_message_five_times_makes_one_order(self):
        body = as_body(canonical_order("API-5X"))
        for _attempt in range(5):
            self.assertEqual(self.post(body).status_code, 202)
        self.env["oms.intake"]._cron_process()
        intakes = self.env["oms.intake"].search([("external_ref", "=", "API-5X")])
        self.assertEqual(sorted(intakes.mapped("state")), ["done"] + ["duplicate"] * 4)
        self.assertEqual(len(self.orders("API-5X")), 1)

    def test_bad_credentials_are_refused_and_nothing_stored(self):
        other = self.env["oms.channel"].create({"name": "Other", "code": "other-shop"})
        body = as_body(canonical_order("API-401"))
        before = self.env["oms.intake"].search_count([])
        cases = {
            "wrong key": self.post(body, key="not-the-key"),
            "wrong signature": self.post(body, secret="not-the-secret"),
            "stale timestamp": self.post(body, timestamp=int(time.time()) - 3600),
            "another channel's signature": self.post(body, secret=other.signing_secret),
            "another channel's key": self.post(body, key=other.api_key),
            "no signature": self.url_open(
                "/oms/v1/channels/%s/orders" % self.channel.code,
                data=body,
                headers={"Authorization": "Bearer %s" % self.channel.api_key},
            ),
        }
        for case, response in cases.items():
            with self.subTest(case=case):
                self.assertEqual(response.status_code, 401, response.text)
                self.assertIn("error", response.json())
        self.assertEqual(self.env["oms.intake"].search_count([]), before)
        self.assertFalse(self.orders("API-401"))
        self.channel.invalidate_recordset(["auth_failure_count"])
        self.assertEqual(self.channel.auth_failure_count, len(cases))
        unknown = self.url_open(
            "/oms/v1/channels/no-such-channel/orders",
            data=body,
            headers={
                "Authorization": "Bearer %s" % self.channel.api_key,
                signature.HEADER: signature.sign(self.channel.signing_secret, body, 0),
            },
        )
        self.assertEqual(unknown.status_code, 401)

    def test_rotation_accepts_both_secrets_during_overlap(self):
        old_key, old_secret = self.channel.api_key, self.channel.signing_secret
        self.channel.action_rotate_credentials()
        body = as_body(canonical_order("API-ROT"))
        self.assertEqual(self.post(body, key=old_key, secret=old_secret).status_code, 202)
        self.assertEqual(self.post(body).status_code, 202)
        self.channel.previous_valid_until = "2020-01-01 00:00:00"
        self.assertEqual(self.post(body, key=old_key, secret=old_secret).status_code, 401)

    def test_unreadable_bodies_get_400_and_are_kept(self):
        for raw, code in (
            (b'{"reference": "X", ', "malformed_json"),
            ('{"reference": "Caf\u00e9"}'.encode("latin-1"), "not_utf8"),
            (b'"just a string"', "invalid_shape"),
        ):
            with self.subTest(code=code):
                response = self.post(raw)
                self.assertEqual(response.status_code, 400, response.text)
                answer = response.json()
                self.assertEqual(answer["error"]["code"], code)
                intake = self.env["oms.intake"].browse(answer["intakes"][0]["id"])
                self.assertEqual(intake.state, "rejected")
                self.assertEqual(intake._received_bytes(), raw)

    def test_hostile_bodies_get_4xx_and_are_stored_byte_for_byte(self):
        self.env["ir.config_parameter"].set_param("oms_addon.api_max_body_bytes", "300000")
        order = as_body(canonical_order("HOSTILE"))
        cases = {
            "NUL byte": (order.replace(b"HOSTILE", b"HOST\x00ILE"), 400, "malformed_json"),
            "invalid UTF-8": (order.replace(b"Jane", b"J\xe9\xff"), 400, "not_utf8"),
            "UTF-8 BOM": (b"\xef\xbb\xbf" + order, 400, "byte_order_mark"),
            "empty body": (b"", 400, "malformed_json"),
            "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, 400, "malformed_json"),
            "duplicate keys": (
                b'{"reference": "DUP-KEY", ' + order[1:],
                400,
                "duplicate_key",
            ),
            "10,000 digits": (
                order.replace(b'"quantity": 2', b'"quantity": ' + b"9" * 10_000),
                400,
                "malformed_json",
            ),
            "one byte over the limit": (
                b" " * (300_000 - len(order) + 1) + order,
                413,
                "too_large",
            ),
        }
        for case, (raw, status, code) in cases.items():
            with self.subTest(case=case):
                response = self.post(raw)
                self.assertEqual(response.status_code, status, response.text)
                answer = response.json()
                self.assertEqual(answer["error"]["code"], code, answer)
                self.assertTrue(answer["error"]["message"])
                (summary,) = answer["intakes"]
                intake = self.env["oms.intake"].browse(summary["id"])
                self.assertEqual(intake.state, "rejected")
                self.assertEqual(intake.reason_code, code)
                self.assertEqual(intake._received_bytes(), raw, "stored byte for byte")
                # Readable over RPC and the web client as every binary field (base64),
                # whatever the bytes hold.
                admin = self.env.ref("base.user_admin")
                (read,) = intake.with_user(admin).read(["raw_body"])
                self.assertEqual(base64.b64decode(read["raw_body"] or b""), raw)
                # The form, as the web client reads it (binary fields as sizes).
                intake.invalidate_recordset()
                (form,) = (
                    intake.with_user(admin)
                    .with_context(bin_size=True)
                    .web_read({"body": {}, "raw_body": {}, "raw_size": {}})
                )
                self.assertEqual(form["body"], intake.body)
                self.assertEqual(intake.raw_size, len(raw))
                self.assertEqual(intake.body_digest, signature.body_digest(raw))
        self.assertFalse(self.orders("HOSTILE") | self.orders("DUP-KEY"))

    def test_too_large_is_413_and_kept(self):
        self.env["ir.config_parameter"].set_param("oms_addon.api_max_body_bytes", "1000")
        raw = as_body(canonical_order("BIG", note="x" * 2000))
        response = self.post(raw)
        self.assertEqual(response.status_code, 413)
        answer = response.json()
        self.assertEqual(answer["error"]["code"], "too_large")
        self.assertEqual(
            self.env["oms.intake"].browse(answer["intakes"][0]["id"])._received_bytes(), raw
        )

    def test_far_too_large_is_refused_unread(self):
        self.env["ir.config_parameter"].set_param("oms_addon.api_max_body_bytes", "100")
        before = self.env["oms.intake"].search_count([])
        response = self.post(b"x" * 401)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"]["code"], "too_large")
        self.assertEqual(self.env["oms.intake"].search_count([]), before)

    def test_idempotency_key_replays_or_conflicts(self):
        body = as_body(canonical_order("IDEM-1"))
        headers = {"Idempotency-Key": "key-123"}
        first = self.post(body, headers=headers)
        second = self.post(body, headers=headers)
        self.assertEqual(first.status_code, 202)
        self.assertEqual(second.status_code, 202)
        self.assertEqual(second.json(), first.json(), "the first answer, replayed")
        self.assertEqual(second.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(
            self.env["oms.intake"].search_count([("idempotency_key", "=", "key-123")]), 1
        )
        other_body = as_body(canonical_order("IDEM-2"))
        conflict = self.post(other_body, headers=headers)
        self.assertEqual(conflict.status_code, 409)
        self.assertEqual(conflict.json()["error"]["code"], "idempotency_key_reused")

    def test_list_of_orders_answers_each(self):
        body = as_body(canonical_order("LIST-1"), canonical_order("LIST-2"), {"lines": 1})
        response = self.post(body)
        self.assertEqual(response.status_code, 202)
        answer = response.json()
        self.assertEqual(answer["accepted"], 3)
        self.assertEqual([i["reference"] for i in answer["intakes"]], ["LIST-1", "LIST-2", None])
