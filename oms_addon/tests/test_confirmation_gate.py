# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A held order stays a quotation, whoever confirms it and however; a hold is
released only by its group, through Release, which records who and when."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OmsCase, canonical_order


@tagged("post_install", "-at_install")
class TestConfirmationGate(OmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        for product in (cls.tee, cls.mug):
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 50)

    def held_order(self, reference="GATE-1"):
        """An API order whose payment is pending: pre-processing holds it."""
        intake = self.receive(canonical_order(reference, payment={"status": "pending"}))
        order = intake.order_id
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertTrue(order.oms_on_hold)
        self.assertEqual(order.state, "draft")
        return order

    def assert_still_held(self, order):
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft", "a held order stays a quotation")
        self.assertFalse(order.picking_ids, "nothing goes to the warehouse")
        self.assertTrue(order.oms_on_hold)

    # ------------------------------------------------------------------
    # Confirm, whoever presses it
    # ------------------------------------------------------------------
    def test_confirm_refused_for_every_role(self):
        order = self.held_order()
        for user in (self.oms_user, self.oms_manager, self.sales_user):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "on hold"):
                order.with_user(user).action_confirm()
            self.assert_still_held(order)

    def test_confirm_refused_to_another_module_as_superuser(self):
        order = self.held_order()
        with self.assertRaisesRegex(UserError, "on hold"):
            order.sudo().action_confirm()
        self.assert_still_held(order)

    def test_confirmation_error_message_is_the_gate(self):
        order = self.held_order()
        self.assertIn("Payment", order._confirmation_error_message())

    def test_writing_the_state_meets_the_gate(self):
        order = self.held_order()
        for user in (self.oms_user, self.oms_manager, self.sales_user):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                order.with_user(user).write({"state": "sale"})
            self.assert_still_held(order)
        with self.assertRaises(UserError):
            order.sudo().write({"state": "sale"})
        self.assert_still_held(order)

    def test_oms_order_without_hold_is_not_confirmed_by_a_state_write(self):
        intake = self.receive(canonical_order("GATE-W"))
        with self.assertRaisesRegex(UserError, "Check and Confirm"):
            intake.order_id.with_user(self.oms_manager).write({"state": "sale"})

    def test_removing_the_channel_does_not_open_the_gate(self):
        order = self.held_order()
        with self.assertRaises(UserError):
            order.with_user(self.oms_user).write({"oms_channel_id": False})
        # Even a plain order keeps meeting its holds.
        order.sudo().write({"oms_channel_id": False})
        with self.assertRaisesRegex(UserError, "on hold"):
            order.with_user(self.sales_user).action_confirm()

    def test_confirm_runs_the_checks_first(self):
        """Confirm on an OMS quotation nobody checked yet runs its checks: a pending
        payment refuses it, with the reason."""
        intake = self.receive(canonical_order("GATE-NEW", payment={"status": "pending"}))
        order = intake.order_id
        with self.assertRaisesRegex(UserError, "not paid"):
            order.with_user(self.oms_user).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_confirm_of_a_passing_order_by_a_sales_user(self):
        intake = self.receive(canonical_order("GATE-OK"))
        order = intake.order_id
        order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.state, "assigned")
        self.assertEqual(order.oms_stage, "released")

    def test_no_context_key_skips_the_gate(self):
        order = self.held_order()
        for key in ("oms_sourced", "oms_confirming", "oms_skip_checks"):
            with self.subTest(key=key), self.assertRaises(UserError):
                order.with_user(self.oms_manager).with_context(**{key: True}).action_confirm()
        self.assert_still_held(order)

    # ------------------------------------------------------------------
    # Release
    # ------------------------------------------------------------------
    def test_hold_state_cannot_be_written(self):
        order = self.held_order()
        hold = order.oms_hold_ids
        for user in (self.oms_user, self.oms_manager):
            for vals in (
                {"state": "released"},
                {"released_by_id": user.id},
                {"reason": "fine"},
                {"order_id": self.receive(canonical_order("GATE-O")).order_id.id},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    hold.with_user(user).write(vals)
        self.assertEqual(hold.state, "active")
        self.assertFalse(hold.released_by_id)

    def test_hold_released_only_by_its_group_with_who_and_when(self):
        order = self.held_order()
        hold = order.oms_hold_ids
        self.assertEqual(
            hold.hold_type_id.release_group_id, self.env.ref("oms_addon.group_oms_manager")
        )
        with self.assertRaises(AccessError):
            hold.with_user(self.oms_user).action_release()
        with self.assertRaises(AccessError):
            hold.with_user(self.sales_user).action_release()
        self.assertEqual(hold.state, "active")
        hold.with_user(self.oms_manager).action_release()
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.oms_manager)
        self.assertTrue(hold.released_at)
        self.assertEqual(order.state, "sale", "released and confirmed through the gate")

    def test_holds_are_not_created_released_nor_deleted(self):
        order = self.held_order()
        hold_type = order.oms_hold_ids.hold_type_id
        with self.assertRaises(AccessError):
            self.env["oms.hold"].with_user(self.oms_manager).create(
                {
                    "order_id": order.id,
                    "hold_type_id": hold_type.id,
                    "state": "released",
                }
            )
        with self.assertRaises(AccessError):
            self.env["oms.hold"].with_user(self.oms_user).create(
                {"order_id": order.id, "hold_type_id": hold_type.id}
            )
        with self.assertRaises(AccessError):
            order.oms_hold_ids.with_user(self.oms_manager).unlink()
        self.assertTrue(order.oms_hold_ids.exists())

    def test_payment_of_an_oms_order_is_changed_by_a_manager_only(self):
        order = self.held_order()
        with self.assertRaises(UserError):
            order.with_user(self.oms_user).write({"oms_payment_status": "paid"})
        with self.assertRaises(UserError):
            order.with_user(self.sales_user).write({"oms_payment_status": "paid"})
        order.with_user(self.oms_manager).write({"oms_payment_status": "paid"})
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertEqual(order.state, "sale", "the payment hold released itself once paid")

    def test_channel_reference_of_a_received_order_stays(self):
        order = self.receive(canonical_order("GATE-REF")).order_id
        with self.assertRaises(UserError):
            order.with_user(self.oms_manager).write({"oms_channel_ref": "GATE-REF-2"})
        self.assertEqual(order.oms_channel_ref, "GATE-REF")
