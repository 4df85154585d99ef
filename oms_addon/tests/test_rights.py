# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rights per role: installing the addon takes nothing from sales people, history
is written by the system only, other companies stay apart."""

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import OmsCase, canonical_order


@tagged("post_install", "-at_install")
class TestRights(OmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(cls.tee, cls.warehouse.lot_stock_id, 50)
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.warehouse.lot_stock_id, 50)
        cls.salesman = new_test_user(
            cls.env,
            login="oms_salesman_own",
            groups="base.group_user,sales_team.group_sale_salesman",
        )

    def open_form(self, order, user):
        """What the web client reads to show ``order``'s form to ``user``."""
        order = order.with_user(user)
        views = order.get_views([(False, "form")])
        form = views["views"]["form"]
        spec = {name: {} for name in views["models"]["sale.order"]["fields"]}
        for name, description in views["models"]["sale.order"]["fields"].items():
            if (
                description["type"] in ("one2many", "many2many")
                or description["type"] == "many2one"
            ):
                spec[name] = {"fields": {"display_name": {}}}
        return form["arch"], order.web_read(spec)[0]

    # ------------------------------------------------------------------
    def test_sales_user_opens_an_oms_order_and_sees_its_stage(self):
        order = self.receive(canonical_order("R-1", payment={"status": "pending"})).order_id
        self.env["sale.order"]._cron_oms_preprocess()
        self.assertTrue(order.oms_hold_ids)
        for user in (self.sales_user, self.salesman):
            if user == self.salesman:
                order.user_id = self.salesman
            arch, values = self.open_form(order, user)
            self.assertEqual(values["oms_stage"], "on_hold")
            self.assertNotIn("oms_hold_ids", values, "holds are for OMS staff")
            self.assertNotIn('name="oms_holds"', arch)
            self.assertIn('name="oms_stage"', arch)

    def test_oms_user_sees_holds_and_sourcing(self):
        order = self.receive(canonical_order("R-2", payment={"status": "pending"})).order_id
        self.env["sale.order"]._cron_oms_preprocess()
        arch, values = self.open_form(order, self.oms_user)
        self.assertTrue(values["oms_hold_ids"])
        self.assertIn('name="oms_holds"', arch)
        self.assertIn('name="oms_sourcing"', arch)

    def test_sales_user_creates_and_confirms_a_plain_quotation(self):
        for user in (self.sales_user, self.salesman):
            with Form(self.env["sale.order"].with_user(user)) as form:
                form.partner_id = self.env["res.partner"].create({"name": "Plain Customer"})
                with form.order_line.new() as line:
                    line.product_id = self.tee
                    line.product_uom_qty = 1
            order = form.record
            order.action_confirm()
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.picking_ids.state, "assigned")

    def test_oms_user_without_accounting_rights_checks_credit(self):
        """The payment check reads the customer's credit, which needs accounting
        rights the OMS user does not have."""
        self.assertFalse(self.oms_user.has_group("account.group_account_invoice"))
        order = self.receive(canonical_order("R-CREDIT", payment={"status": "pending"})).order_id
        order.partner_id.commercial_partner_id.credit_limit = 1000000.0
        order.payment_term_id = self.env.ref("account.account_payment_term_30days")
        order.with_user(self.oms_user).action_oms_preprocess()
        self.assertEqual(order.state, "sale", "within the credit limit")

    # ------------------------------------------------------------------
    # History: the system writes it, nobody else
    # ------------------------------------------------------------------
    def test_sourcing_decisions_are_written_by_the_system_only(self):
        order = self.receive(canonical_order("R-DEC")).order_id
        order.action_confirm()
        decision = order.oms_sourcing_decision_ids
        self.assertEqual(len(decision), 1)
        admin = self.env.ref("base.user_admin")
        for user in (self.oms_user, self.oms_manager, admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["oms.sourcing.decision"].with_user(user).create(
                        {"order_id": order.id, "reason": "complete", "explanation": "forged"}
                    )
                with self.assertRaises(AccessError):
                    decision.with_user(user).write({"explanation": "forged"})
                with self.assertRaises(AccessError):
                    decision.with_user(user).unlink()
        self.assertEqual(order.oms_sourcing_decision_ids, decision)

    def test_substitution_proposals_are_the_systems(self):
        order = self.receive(canonical_order("R-SUB")).order_id
        self.env["sale.order"]._cron_oms_preprocess()
        line = order.order_line[:1]
        hold = order.oms_hold_ids[:1] or self.env["oms.hold"].sudo().create(
            {
                "order_id": order.id,
                "hold_type_id": self.env["oms.hold.type"].search([], limit=1).id,
            }
        )
        proposal = (
            self.env["oms.hold.substitution"]
            .sudo()
            .create({"hold_id": hold.id, "line_id": line.id, "product_id": self.mug.id})
        )
        for user in (self.oms_user, self.oms_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["oms.hold.substitution"].with_user(user).create(
                        {"hold_id": hold.id, "line_id": line.id, "product_id": self.tee.id}
                    )
                with self.assertRaises(AccessError):
                    proposal.with_user(user).write({"product_id": self.tee.id})
                with self.assertRaises(AccessError):
                    proposal.with_user(user).unlink()
        with self.assertRaises(AccessError):
            proposal.with_user(self.sales_user).action_accept()

    def test_source_again_is_for_managers(self):
        order = self.receive(canonical_order("R-SRC")).order_id
        order.action_confirm()
        with self.assertRaises(AccessError):
            order.with_user(self.oms_user).action_oms_source()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_user).action_oms_source()
        order.with_user(self.oms_manager).action_oms_source()
        self.assertEqual(len(order.oms_sourcing_decision_ids), 2)

    # ------------------------------------------------------------------
    # Other companies
    # ------------------------------------------------------------------
    def test_user_of_another_company_sees_nothing(self):
        order = self.receive(canonical_order("R-CO", payment={"status": "pending"})).order_id
        self.env["sale.order"]._cron_oms_preprocess()
        other = self.env["res.company"].create({"name": "OMS Rights Other Co"})
        stranger = new_test_user(
            self.env,
            login="oms_stranger",
            groups="base.group_user,oms_addon.group_oms_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        holds = self.env["oms.hold"].with_user(stranger)
        self.assertFalse(holds.search([("order_id", "=", order.id)]))
        self.assertFalse(
            self.env["oms.sourcing.decision"]
            .with_user(stranger)
            .search([("order_id", "=", order.id)])
        )
        with self.assertRaises(AccessError):
            order.oms_hold_ids.with_user(stranger).action_release()
        with self.assertRaises(AccessError):
            order.with_user(stranger).action_confirm()
        self.assertEqual(order.state, "draft")
