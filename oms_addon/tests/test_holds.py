# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OmsCase, canonical_order


@tagged("post_install", "-at_install")
class TestHolds(OmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )

    def stock(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, quantity
        )

    def quotation(self, reference, **overrides):
        intake = self.receive(canonical_order(reference, **overrides))
        self.assertEqual(intake.state, "done", intake.reason)
        return intake.order_id

    def active_holds(self, order):
        return order.oms_hold_ids.filtered(lambda h: h.state == "active")

    # ------------------------------------------------------------------
    def test_order_passing_every_check_is_confirmed_and_reserved(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = self.quotation("H-OK")
        order.action_oms_preprocess()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.oms_hold_ids)
        self.assertEqual(order.oms_stage, "released")
        delivery = order.picking_ids
        self.assertEqual(delivery.state, "assigned", "the stock is reserved")

    def test_payment_hold_releases_itself_when_paid(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = self.quotation("H-PAY", payment={"status": "pending"})
        order.action_oms_preprocess()
        hold = self.active_holds(order)
        self.assertEqual(hold.hold_type_id.check, "payment")
        self.assertIn("not paid", hold.reason)
        self.assertEqual(order.oms_stage, "on_hold")
        self.assertEqual(order.state, "draft")
        order.oms_payment_status = "paid"  # the payment was captured meanwhile
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertEqual(hold.state, "released")
        self.assertFalse(hold.released_by_id, "released by its check, not a person")
        self.assertEqual(order.state, "sale")

    def test_cash_on_delivery_per_channel(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = self.quotation("H-COD", payment={"status": "cod"})
        order.action_oms_preprocess()
        self.assertIn("cash on delivery", self.active_holds(order).reason)
        self.channel.allow_cod = True
        order.action_oms_preprocess()
        self.assertEqual(order.state, "sale")

    def test_address_hold_for_an_invalid_zip(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = canonical_order("H-ZIP")
        order["shipping_address"]["zip"] = "ABCDE"
        sale_order = self.quotation("H-ZIP", shipping_address=order["shipping_address"])
        sale_order.action_oms_preprocess()
        hold = self.active_holds(sale_order)
        self.assertEqual(hold.hold_type_id.check, "address")
        self.assertIn("ABCDE is not a valid postal code", hold.reason)
        sale_order.partner_shipping_id.zip = "94105"
        sale_order.action_oms_preprocess()
        self.assertEqual(hold.state, "released")
        self.assertEqual(sale_order.state, "sale")

    def test_fraud_hold_released_by_a_manager_only(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        self.channel.write({"fraud_amount": 10.0, "fraud_threshold": 40})
        order = self.quotation("H-FRAUD")
        order.action_oms_preprocess()
        hold = self.active_holds(order)
        self.assertEqual(hold.hold_type_id.check, "fraud")
        self.assertIn("Fraud score 40", hold.reason)
        with self.assertRaises(AccessError):
            hold.with_user(self.oms_user).action_release()
        self.assertEqual(hold.state, "active")
        hold.with_user(self.oms_manager).action_release()
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.released_by_id, self.oms_manager)
        self.assertTrue(hold.released_at)
        self.assertEqual(order.state, "sale", "confirmed once no blocking hold is left")

    def test_out_of_stock_hold_releases_when_stock_arrives(self):
        self.stock(self.mug, 5)
        order = self.quotation("H-STOCK")
        order.action_oms_preprocess()
        hold = self.active_holds(order)
        self.assertEqual(hold.hold_type_id.check, "availability")
        self.assertIn("Test Tee (2 wanted, 0 free)", hold.reason)
        self.stock(self.tee, 2)  # received
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertEqual(hold.state, "released")
        self.assertEqual(order.state, "sale")

    def test_clerk_quotation_is_left_alone_by_the_job(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id,
                "oms_channel_id": self.channel.id,
                "order_line": [(0, 0, {"product_id": self.mug.id, "product_uom_qty": 1})],
            }
        )
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.oms_hold_ids)

    def test_substitute_proposed_and_accepted(self):
        black_tee = self.env["product.product"].create(
            {"name": "Black Tee", "is_storable": True, "list_price": 30.0}
        )
        no_stock_tee = self.env["product.product"].create({"name": "Grey Tee", "is_storable": True})
        self.tee.product_tmpl_id.oms_substitute_ids = black_tee | no_stock_tee
        self.stock(self.mug, 5)
        self.stock(black_tee, 3)
        order = self.quotation("H-SUB")
        order.action_oms_preprocess()
        hold = self.active_holds(order)
        self.assertEqual(hold.hold_type_id.check, "availability")
        proposal = hold.substitution_ids
        self.assertEqual(proposal.product_id, black_tee, "only substitutes in stock")
        self.assertEqual(proposal.original_product_id, self.tee)
        self.assertEqual(order.oms_substitution_ids, proposal)
        proposal.with_user(self.oms_user).action_accept()
        line = order.order_line.filtered(lambda line: line.product_id == black_tee)
        self.assertEqual(line.product_uom_qty, 2)
        self.assertEqual(line.price_unit, 19.9, "the channel's price is kept")
        self.assertEqual(hold.state, "released")
        self.assertEqual(order.state, "sale")

    def test_lifecycle_stages_follow_the_order(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = self.quotation("H-LIFE")
        self.assertEqual(order.oms_stage, "received")
        order.action_oms_preprocess()
        self.assertEqual(order.oms_stage, "released")
        delivery = order.picking_ids
        delivery.move_ids.quantity = 0
        delivery.move_ids.filtered(lambda m: m.product_id == self.tee).quantity = 1
        delivery.move_ids.picked = True
        delivery.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=[]
        ).button_validate()
        self.assertEqual(order.oms_stage, "in_fulfilment", "one delivery done, the backorder open")
        rest = order.picking_ids.filtered(lambda p: p.state != "done")
        rest.move_ids.picked = True
        rest.button_validate()
        self.assertEqual(order.oms_stage, "shipped")
        order.picking_ids.action_oms_mark_delivered()
        self.assertEqual(order.oms_stage, "delivered")

    def test_manual_hold_blocks_until_released(self):
        self.stock(self.tee, 5)
        self.stock(self.mug, 5)
        order = self.quotation("H-MAN")
        manual = order._oms_hold("manual", "Customer asked to wait.")
        self.assertEqual(manual.hold_type_id.code, "manual")
        order.action_oms_preprocess()
        self.assertEqual(order.state, "draft", "a manual hold blocks until released")
        manual.with_user(self.oms_user).action_release()
        self.assertEqual(order.state, "sale")

    def test_sourcing_hold_when_the_rule_forbids_a_split(self):
        second = self.env["stock.warehouse"].create({"name": "Second WH", "code": "SECWH"})
        self.stock(self.tee, 5)
        self.env["stock.quant"]._update_available_quantity(self.mug, second.lot_stock_id, 5)
        self.env["oms.sourcing.rule"].create(
            {
                "name": "One parcel",
                "sequence": 1,
                "channel_ids": [(6, 0, self.channel.ids)],
                "strategy": "nearest",
                "allow_split": False,
            }
        )
        order = self.quotation("H-SRC")
        order.action_oms_preprocess()
        hold = self.active_holds(order)
        self.assertEqual(hold.hold_type_id.check, "sourcing")
        self.assertIn("splitting is not allowed", hold.reason)
        self.assertEqual(order.state, "draft")

    def test_batch_confirms_first_come_and_holds_the_rest(self):
        # Three orders of one batch want 2 tees each; there are 5.
        self.stock(self.tee, 5)
        self.stock(self.mug, 10)
        orders = self.env["sale.order"]
        for number in range(3):
            orders |= self.quotation("H-BATCH-%d" % number)
        confirmed = orders._oms_preprocess()
        self.assertEqual(confirmed, orders[:2], "first come, first served")
        self.assertEqual(orders[:2].mapped("state"), ["sale", "sale"])
        self.assertEqual(self.active_holds(orders[2]).hold_type_id.check, "availability")
        self.assertIn("1 free", self.active_holds(orders[2]).reason)
        quants = self.env["stock.quant"].search([("product_id", "=", self.tee.id)])
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 4)

    def test_order_failing_confirmation_is_held_and_others_go_on(self):
        self.stock(self.tee, 10)
        self.stock(self.mug, 10)
        good, bad = self.quotation("H-CONF-1"), self.quotation("H-CONF-2")
        sale_order = type(self.env["sale.order"])
        original = sale_order._action_confirm

        def action_confirm(orders):
            if bad in orders:
                raise UserError(orders.env._("The carrier refused the address."))
            return original(orders)

        with patch.object(sale_order, "_action_confirm", action_confirm):
            confirmed = (good | bad)._oms_preprocess()
        self.assertEqual(confirmed, good)
        self.assertEqual(good.state, "sale")
        self.assertEqual(bad.state, "draft")
        hold = self.active_holds(bad)
        self.assertEqual(hold.hold_type_id.check, "manual")
        self.assertIn("The carrier refused the address.", hold.reason)
