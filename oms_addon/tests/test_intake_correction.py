# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OmsCase, as_body, canonical_order


@tagged("post_install", "-at_install")
class TestIntakeCorrection(OmsCase):
    """A person's correction is a new version: the received bytes stay, the order
    says who corrected it, and a payment the correction changed waits for a manager."""

    def correct(self, intake, user, change, note="fixed", retry=True):
        """Correct ``intake`` as ``user`` through the correction form."""
        action = intake.with_user(user).action_correct()
        form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        form.body = change(form.body)
        form.note = note
        form.retry = retry
        form.save().action_save()

    def test_correction_and_retry_keep_the_original_and_flag_the_order(self):
        order = canonical_order("COR-1", currency="XAF")
        order["payment"] = {"status": "pending", "method": "card", "amount": 64.31}
        intake = self.receive(order)
        original = intake._received_bytes()
        self.assertEqual(original, as_body(order))
        self.assertEqual(intake.state, "quarantined")

        self.correct(
            intake,
            self.oms_user,
            lambda body: body.replace('"XAF"', '"USD"').replace('"pending"', '"paid"'),
            note="currency typo, customer says paid",
        )
        self.assertEqual(intake.state, "done", intake.reason)
        self.assertEqual(intake._received_bytes(), original, "the received bytes never change")
        self.assertIn('"XAF"', intake.body)
        (version,) = intake.version_ids
        self.assertEqual(intake.version_id, version)
        self.assertEqual(version.author_id, self.oms_user)
        self.assertTrue(version.create_date)
        self.assertIn('"USD"', version.body)
        self.assertEqual(intake.retried_by_id, self.oms_user)

        sale_order = intake.order_id
        self.assertEqual(sale_order.oms_corrected_by_id, self.oms_user)
        self.assertEqual(sale_order.oms_intake_version_id, version)
        self.assertTrue(sale_order.oms_payment_from_correction)
        self.assertEqual(sale_order.oms_payment_status, "paid")
        self.assertIn(
            "correction", " ".join(sale_order.message_ids.mapped("body")), "said on the order"
        )

        sale_order._oms_preprocess()
        hold = sale_order.oms_hold_ids.filtered(lambda h: h.hold_type_id.check == "payment")
        self.assertEqual(hold.state, "active", "a paid status from a correction is not trusted")
        self.assertIn("correction", hold.reason)
        sale_order._oms_preprocess()
        self.assertEqual(hold.state, "active", "it does not release itself")
        with self.assertRaises(AccessError):
            hold.with_user(self.oms_user).action_release()
        self.assertEqual(hold.state, "active")
        hold.with_user(self.oms_manager).action_release()
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.oms_manager)
        self.assertFalse(sale_order._oms_check_payment(), "trusted once a manager released it")

    def test_a_correction_that_keeps_the_payment_needs_no_review(self):
        intake = self.receive(canonical_order("COR-2", currency="XAF"))
        self.correct(intake, self.oms_user, lambda body: body.replace('"XAF"', '"USD"'))
        sale_order = intake.order_id
        self.assertEqual(sale_order.oms_corrected_by_id, self.oms_user)
        self.assertFalse(sale_order.oms_payment_from_correction)
        self.assertFalse(sale_order._oms_check_payment())

    def test_an_unreadable_message_corrected_is_reviewed(self):
        intake = self.env["oms.intake"]._receive(self.channel, b'{"reference": "COR-3",')
        self.assertEqual(intake.state, "rejected")
        self.correct(
            intake, self.oms_user, lambda _body: as_body(canonical_order("COR-3")).decode()
        )
        self.assertEqual(intake.state, "done", intake.reason)
        self.assertEqual(intake._received_bytes(), b'{"reference": "COR-3",')
        self.assertTrue(intake.order_id.oms_payment_from_correction, "nothing to compare with")

    def test_nobody_writes_intake_state_or_message_by_hand(self):
        intake = self.receive(canonical_order("W-1", currency="XAF"))
        for user in (self.oms_user, self.oms_manager):
            as_user = intake.with_user(user)
            for vals in (
                {"state": "done"},
                {"raw_body": b"{}"},
                {"reason": "fine"},
                {"attempts": 0},
                {"version_id": False},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    as_user.write(vals)
            with self.subTest(user=user.login, op="create"), self.assertRaises(AccessError):
                self.env["oms.intake"].with_user(user).create(
                    {"channel_id": self.channel.id, "state": "done"}
                )
            with self.subTest(user=user.login, op="unlink"), self.assertRaises(AccessError):
                as_user.unlink()
        self.assertEqual(intake.state, "quarantined")
        with self.assertRaises(AccessError):
            intake.with_user(self.sales_user).action_retry()
        with self.assertRaises(AccessError):
            intake.with_user(self.sales_user).action_correct()

    def test_corrections_are_history_nobody_edits(self):
        intake = self.receive(canonical_order("W-2", currency="XAF"))
        self.correct(intake, self.oms_user, lambda body: body, retry=False)
        version = intake.version_id
        sale_order = self.receive(canonical_order("W-2B")).order_id
        for user in (self.oms_user, self.oms_manager):
            model = self.env["oms.intake.version"].with_user(user)
            with self.subTest(user=user.login, op="create"), self.assertRaises(AccessError):
                model.create({"intake_id": intake.id, "body": "{}", "author_id": user.id})
            with self.subTest(user=user.login, op="write"), self.assertRaises(AccessError):
                version.with_user(user).write({"body": "{}"})
            with self.subTest(user=user.login, op="unlink"), self.assertRaises(AccessError):
                version.with_user(user).unlink()
            with self.subTest(user=user.login, op="order"), self.assertRaises(AccessError):
                sale_order.with_user(user).write({"oms_payment_from_correction": True})
        self.assertTrue(version.exists())

    def test_done_messages_cannot_be_corrected(self):
        intake = self.receive(canonical_order("W-3"))
        self.assertEqual(intake.state, "done")
        with self.assertRaises(UserError):
            intake.with_user(self.oms_user).action_correct()
        with self.assertRaises(UserError):
            intake.with_user(self.oms_user)._add_version("{}")
