# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import OmsCase, canonical_order


@tagged("post_install", "-at_install")
class TestIntakeProcessing(OmsCase):
    def assertOutcome(self, intake, state, reason_code=None, in_reason=None):
        self.assertEqual(intake.state, state, intake.reason)
        if reason_code:
            self.assertEqual(intake.reason_code, reason_code)
        if in_reason:
            self.assertIn(in_reason, intake.reason)

    def test_order_created_as_the_channel_sold_it(self):
        intake = self.receive(canonical_order())
        self.assertOutcome(intake, "done")
        order = intake.order_id
        self.assertEqual(order.state, "draft", "orders stay quotations until pre-processing")
        self.assertEqual(order.oms_channel_id, self.channel)
        self.assertEqual(order.oms_channel_ref, "WEB-1001")
        self.assertEqual(order.oms_intake_id, intake)
        self.assertEqual(order.partner_id.email, "jane.doe@example.com")
        self.assertEqual(order.partner_shipping_id.city, "San Francisco")
        self.assertEqual(order.partner_shipping_id.state_id.code, "CA")
        tee_line = order.order_line.filtered(lambda line: line.product_id == self.tee)
        self.assertEqual(tee_line.price_unit, 19.9, "channel price, not the list price")
        self.assertEqual(tee_line.discount, 10)
        self.assertEqual(tee_line.product_uom_qty, 2)
        mug_line = order.order_line.filtered(lambda line: line.product_id == self.mug)
        self.assertEqual(mug_line.price_unit, 12.5, "matched by barcode")
        delivery = order.order_line.filtered("is_delivery")
        self.assertEqual(delivery.price_unit, 7.9)
        self.assertEqual(order.carrier_id, self.carrier)
        self.assertAlmostEqual(order.amount_total, 2 * 19.9 * 0.9 + 12.5 + 7.9, places=2)
        self.assertEqual(order.oms_payment_status, "paid")
        self.assertEqual(order.oms_payment_ref, "ch_3Nabc")
        self.assertTrue(order.oms_is_vip)
        self.assertTrue(order.oms_is_gift, "a gift message makes it a gift")
        self.assertEqual(order.oms_gift_message, "Happy birthday!")
        self.assertEqual(order.oms_stage, "received")

    def test_customer_matched_by_email_then_phone_and_addresses_reused(self):
        first = self.receive(canonical_order("A-1")).order_id
        second = self.receive(canonical_order("A-2")).order_id
        self.assertEqual(second.partner_id, first.partner_id, "matched by email")
        self.assertEqual(second.partner_shipping_id, first.partner_shipping_id, "reused")
        by_phone = canonical_order("A-3")
        by_phone["customer"] = {"name": "J. Doe", "phone": "+1 415 555 0100"}
        third = self.receive(by_phone).order_id
        self.assertEqual(third.partner_id, first.partner_id, "matched by phone")
        moved = canonical_order("A-4")
        moved["shipping_address"] = dict(moved["shipping_address"], street="9 Pier 39")
        fourth = self.receive(moved).order_id
        self.assertEqual(fourth.partner_id, first.partner_id)
        self.assertNotEqual(fourth.partner_shipping_id, first.partner_shipping_id)
        self.assertEqual(fourth.partner_shipping_id.parent_id, first.partner_id)
        self.assertEqual(fourth.partner_shipping_id.type, "delivery")
        newcomer = canonical_order("A-5")
        newcomer["customer"] = {"name": "Max Muster", "email": "max@example.de"}
        fifth = self.receive(newcomer).order_id
        self.assertNotEqual(fifth.partner_id, first.partner_id, "new customer created")

    def test_other_currency_keeps_channel_prices(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        intake = self.receive(canonical_order("EU-1", currency="EUR"))
        self.assertOutcome(intake, "done")
        order = intake.order_id
        self.assertEqual(order.currency_id, eur)
        self.assertNotEqual(order.currency_id, self.company.currency_id)
        tee_line = order.order_line.filtered(lambda line: line.product_id == self.tee)
        self.assertEqual(tee_line.price_unit, 19.9, "no conversion from the company currency")
        self.assertEqual(tee_line.currency_id, eur)

    def test_taxes_included_prices_become_net_for_excluded_taxes(self):
        tax = self.env["account.tax"].create(
            {"name": "OMS VAT 20", "amount": 20, "type_tax_use": "sale"}
        )
        self.tee.taxes_id = tax
        order = canonical_order("TAX-1", prices_include_tax=True, subtotal=None)
        order["lines"] = [{"sku": "OMS-T-TEE", "quantity": 1, "unit_price": 24.0}]
        intake = self.receive(order)
        self.assertOutcome(intake, "done")
        line = intake.order_id.order_line.filtered(lambda line: line.product_id == self.tee)
        self.assertAlmostEqual(line.price_unit, 20.0, places=2)
        self.assertAlmostEqual(line.price_total, 24.0, places=2)

    def test_analytic_distribution_models_still_apply(self):
        # Processing skips the per-line lookup only when no model can apply.
        plan = self.env["account.analytic.plan"].create({"name": "OMS Plan"})
        account = self.env["account.analytic.account"].create(
            {"name": "OMS Web", "plan_id": plan.id}
        )
        self.env["account.analytic.distribution.model"].create(
            {"analytic_distribution": {str(account.id): 100}}
        )
        intake = self.receive(canonical_order("AN-1"))
        line = intake.order_id.order_line.filtered(lambda line: line.product_id == self.tee)
        self.assertEqual(line.analytic_distribution, {str(account.id): 100})

    def test_duplicate_reference_is_logged_not_created(self):
        first = self.receive(canonical_order("DUP-1"))
        again = self.receive(canonical_order("DUP-1"))
        self.assertOutcome(first, "done")
        self.assertOutcome(again, "duplicate", "duplicate_order", first.order_id.name)
        self.assertEqual(again.order_id, first.order_id)
        self.assertEqual(
            self.env["sale.order"].search_count([("oms_channel_ref", "=", "DUP-1")]), 1
        )

    def test_a_list_makes_one_intake_per_order(self):
        intakes = self.receive(canonical_order("L-1"), canonical_order("L-2", lines=[]))
        self.assertEqual(len(intakes), 2)
        self.assertOutcome(intakes[0], "done")
        self.assertOutcome(intakes[1], "rejected", "invalid_shape", "lines")
        self.assertEqual(intakes[1].external_ref, "L-2")
        self.assertIn('"L-2"', intakes[1].body, "the raw order stays readable")

    # ------------------------------------------------------------------
    # Each state with its reason
    # ------------------------------------------------------------------
    def test_rejected_malformed_json_keeps_the_raw_body(self):
        raw = b'{"reference": "BAD-1", "lines": [}'
        intake = self.env["oms.intake"]._receive(self.channel, raw)
        self.assertOutcome(intake, "rejected", "malformed_json", "line 1")
        self.assertEqual(intake._received_bytes(), raw)
        self.assertEqual(intake.raw_size, len(raw))
        self.assertEqual(intake.body, raw.decode())

    def test_a_list_keeps_each_order_as_sent(self):
        raw = b'[{"reference": "S-1"},\n  {"reference": "S-2", "note": "caf\xc3\xa9"}]'
        first, second = self.env["oms.intake"]._receive(self.channel, raw)
        self.assertEqual(first._received_bytes(), b'{"reference": "S-1"}')
        self.assertEqual(second._received_bytes(), b'{"reference": "S-2", "note": "caf\xc3\xa9"}')

    def test_a_nul_byte_is_kept_and_shown_escaped(self):
        raw = b'{"reference": "NUL-\x00"}'
        intake = self.env["oms.intake"]._receive(self.channel, raw)
        self.assertOutcome(intake, "rejected", "malformed_json", "control character")
        self.assertEqual(intake._received_bytes(), raw)
        self.assertIn("NUL-\\x00", intake.body)

    def test_rejected_not_utf8(self):
        raw = '{"reference": "Caf\u00e9"}'.encode("latin-1")
        intake = self.env["oms.intake"]._receive(self.channel, raw)
        self.assertOutcome(intake, "rejected", "not_utf8", "UTF-8")
        self.assertEqual(intake._received_bytes(), raw)
        self.assertIn("Caf\\xe9", intake.body, "shown escaped, kept as received")

    def test_rejected_wrong_shape(self):
        intake = self.receive(canonical_order("SHAPE-1", lines="two shirts"))
        self.assertOutcome(intake, "rejected", "invalid_shape", "lines")

    def test_quarantined_unknown_sku_then_retry_after_creating_it(self):
        order = canonical_order("Q-SKU")
        order["lines"][0]["sku"] = "OMS-T-NEW"
        intake = self.receive(order)
        self.assertOutcome(intake, "quarantined", "unknown_sku", "OMS-T-NEW")
        self.assertFalse(intake.order_id)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "jane.doe@example.com")]),
            "nothing half-created for a quarantined order",
        )
        self.env["product.product"].create({"name": "New Tee", "default_code": "OMS-T-NEW"})
        intake.with_user(self.oms_user).action_retry()
        self.assertOutcome(intake, "done")
        self.assertEqual(intake.order_id.oms_channel_ref, "Q-SKU")

    def test_quarantined_unknown_currency(self):
        intake = self.receive(canonical_order("Q-CUR", currency="XAF"))
        self.assertOutcome(intake, "quarantined", "unknown_currency", "XAF")

    def test_quarantined_missing_address_field(self):
        order = canonical_order("Q-ADDR")
        del order["shipping_address"]["city"]
        intake = self.receive(order)
        self.assertOutcome(intake, "quarantined", "missing_address_field", "city")

    def test_quarantined_totals_mismatch(self):
        intake = self.receive(canonical_order("Q-TOT", subtotal=99.0))
        self.assertOutcome(intake, "quarantined", "totals_mismatch")

    def test_quarantined_bad_quantities(self):
        order = canonical_order("Q-QTY")
        order["lines"][0]["quantity"] = 0
        self.assertOutcome(self.receive(order), "quarantined", "invalid_quantity")
        order = canonical_order("Q-FRAC", subtotal=None)
        order["lines"][0]["quantity"] = 1.5
        intake = self.receive(order)
        self.assertOutcome(intake, "quarantined", "fractional_quantity", "Test Tee")

    def test_quarantined_unknown_shipping_method(self):
        order = canonical_order("Q-SHIP", shipping={"method": "pigeon", "amount": 3})
        intake = self.receive(order)
        self.assertOutcome(intake, "quarantined", "unknown_shipping_method", "pigeon")
        self.channel.default_carrier_id = self.carrier
        intake.action_retry()
        self.assertOutcome(intake, "done")

    def test_failed_unexpected_error_is_retried_with_backoff(self):
        intake = self.env["oms.intake"]._receive(
            self.channel, json.dumps(canonical_order("F-1")).encode()
        )

        def crash(records, vals_list):
            raise RuntimeError("disk full")

        # A crash in order creation, as a bug in another module would cause.
        with (
            patch.object(type(self.env["sale.order"]), "create", crash),
            mute_logger("odoo.addons.oms_addon.models.oms_intake"),
        ):
            intake._process()
        self.assertOutcome(intake, "failed", "unexpected_error", "disk full")
        self.assertEqual(intake.attempts, 1)
        self.assertTrue(intake.next_attempt_at)
        self.assertTrue(intake.can_retry)
        intake.action_retry()
        self.assertOutcome(intake, "done")

    def test_one_bad_message_does_not_block_the_batch(self):
        bad = self.env["oms.intake"]._receive(self.channel, b'{"reference": 1, "lines": 3}')
        good = self.env["oms.intake"]._receive(
            self.channel, json.dumps(canonical_order("OK-1")).encode()
        )
        self.env["oms.intake"]._cron_process()
        self.assertEqual(bad.state, "rejected")
        self.assertEqual(good.state, "done")

    def test_channel_counters(self):
        self.receive(canonical_order("C-1"))
        self.receive(canonical_order("C-2", currency="XAF"))
        self.channel.invalidate_recordset()
        self.assertEqual(self.channel.order_today_count, 1)
        self.assertEqual(self.channel.intake_quarantined_count, 1)
        self.assertEqual(self.channel.intake_failed_count, 0)


@tagged("post_install", "-at_install")
class TestIntakeAccess(OmsCase):
    def test_user_sees_intakes_of_own_companies_only(self):
        other_company = self.env["res.company"].create({"name": "OMS Other Co"})
        foreign_channel = self.env["oms.channel"].create(
            {"name": "Foreign", "code": "foreign-shop", "company_id": other_company.id}
        )
        mine = self.env["oms.intake"]._receive(self.channel, b"{}")
        foreign = self.env["oms.intake"]._receive(foreign_channel, b"{}")
        visible = self.env["oms.intake"].with_user(self.oms_user).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(foreign, visible)
        with self.assertRaises(AccessError):
            foreign.with_user(self.oms_user).read(["body"])
        with self.assertRaises(AccessError):
            self.env["oms.intake"].with_user(self.sales_user).search([])

    def test_secrets_are_admin_only(self):
        self.assertTrue(self.channel.api_key and self.channel.signing_secret)
        for user in (self.oms_user, self.oms_manager):
            channel = self.channel.with_user(user)
            for field in ("api_key", "signing_secret", "previous_api_key"):
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        channel.read([field])
                    with self.assertRaises(AccessError):
                        channel.search_read([("id", "=", channel.id)], [field])
            data = channel.search_read([("id", "=", channel.id)])[0]
            self.assertNotIn("api_key", data)
            self.assertNotIn("signing_secret", data)
            with self.assertRaises(AccessError):
                channel.action_rotate_credentials()

    def test_rotation_keeps_previous_credentials_for_the_overlap(self):
        old_key, old_secret = self.channel.api_key, self.channel.signing_secret
        self.channel.action_rotate_credentials()
        self.assertNotEqual(self.channel.api_key, old_key)
        pairs = self.channel._valid_credentials()
        self.assertIn((old_key, old_secret), pairs)
        self.assertEqual(pairs[0], (self.channel.api_key, self.channel.signing_secret))
        self.channel.previous_valid_until = "2020-01-01 00:00:00"
        self.assertNotIn((old_key, old_secret), self.channel._valid_credentials())
