# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The same promises through the doors a browser does not show: XML-RPC,
JSON-RPC and the portal, each as the role that would try them."""

import json
import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged

from .common import as_body, canonical_order


@tagged("post_install", "-at_install")
class TestRpcDoors(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.oms_user = new_test_user(
            cls.env, login="oms_rpc_user", groups="base.group_user,oms_addon.group_oms_user"
        )
        cls.sales_user = new_test_user(
            cls.env,
            login="oms_rpc_sales",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        cls.channel = cls.env["oms.channel"].create(
            {"name": "RPC Shop", "code": "rpc-shop", "channel_type": "web"}
        )
        product_model = cls.env["product.product"]
        products = product_model.create(
            [
                {"name": "RPC Tee", "default_code": "OMS-T-TEE", "is_storable": True},
                {"name": "RPC Mug", "barcode": "4006381333931", "is_storable": True},
            ]
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        for product in products:
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
        cls.env["delivery.carrier"].create(
            {
                "name": "RPC Standard",
                "oms_method_codes": "std",
                "product_id": product_model.create({"name": "RPC Ship", "type": "service"}).id,
            }
        )
        intakes = cls.env["oms.intake"]._receive(
            cls.channel, as_body(canonical_order("RPC-1", payment={"status": "pending"}))
        )
        intakes._process()
        cls.order = intakes.order_id
        cls.env["sale.order"]._cron_oms_preprocess()
        cls.holds = cls.order.oms_hold_ids
        cls.hold = cls.holds.filtered(lambda h: h.hold_type_id.check == "payment")
        assert cls.hold and cls.order.state == "draft"

    def xmlrpc(self, login, model, method, *args):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, list(args)
        )

    def jsonrpc(self, login, model, method, *args):
        """The web client's call; the error message it would show, or None."""
        if login:
            self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": model, "method": method, "args": list(args), "kwargs": {}},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        error = response.json().get("error")
        return error and "%s: %s" % (error["data"]["name"], error["data"]["message"])

    def assert_held(self):
        self.order.invalidate_recordset()
        self.holds.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")
        self.assertFalse(self.order.picking_ids)
        self.assertEqual(set(self.holds.mapped("state")), {"active"})
        self.assertFalse(self.holds.released_by_id)

    # ------------------------------------------------------------------
    def test_xmlrpc_confirm_and_state_write_refused(self):
        for login in ("oms_rpc_user", "oms_rpc_sales", "admin"):
            with self.subTest(login=login):
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self.xmlrpc(login, "sale.order", "action_confirm", [self.order.id])
                self.assertIn("on hold", caught.exception.faultString)
                with self.assertRaises(xmlrpc.client.Fault):
                    self.xmlrpc(login, "sale.order", "write", [self.order.id], {"state": "sale"})
                self.assert_held()

    def test_xmlrpc_hold_release_by_write_refused(self):
        for login in ("oms_rpc_user", "admin"):
            with self.subTest(login=login), self.assertRaises(xmlrpc.client.Fault):
                self.xmlrpc(login, "oms.hold", "write", [self.hold.id], {"state": "released"})
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc("oms_rpc_user", "oms.hold", "action_release", [self.hold.id])
        self.assertIn("Only members of", caught.exception.faultString)
        self.assert_held()

    def test_jsonrpc_confirm_and_release_refused(self):
        error = self.jsonrpc("oms_rpc_user", "sale.order", "action_confirm", [self.order.id])
        self.assertIn("on hold", error)
        error = self.jsonrpc(
            "oms_rpc_user", "sale.order", "write", [self.order.id], {"state": "sale"}
        )
        self.assertIn("on hold", error)
        error = self.jsonrpc(
            "oms_rpc_user", "oms.hold", "write", [self.hold.id], {"state": "released"}
        )
        self.assertIn("AccessError", error)
        error = self.jsonrpc("oms_rpc_user", "oms.hold", "action_release", [self.hold.id])
        self.assertIn("Only members of", error)
        error = self.jsonrpc("oms_rpc_sales", "oms.hold", "read", [self.hold.id], ["state"])
        self.assertIn("AccessError", error)
        self.assert_held()

    def test_manager_releases_through_jsonrpc_with_who_and_when(self):
        for hold in self.holds:
            self.assertIsNone(self.jsonrpc("admin", "oms.hold", "action_release", [hold.id]))
        self.holds.invalidate_recordset()
        self.assertEqual(set(self.holds.mapped("state")), {"released"})
        self.assertEqual(self.holds.released_by_id, self.env.ref("base.user_admin"))
        self.order.invalidate_recordset()
        self.assertEqual(
            self.order.state,
            "sale",
            "the last release confirms the order: %s"
            % self.order.oms_hold_ids.mapped(lambda h: (h.hold_type_id.code, h.state, h.reason)),
        )

    def test_anonymous_caller_gets_nothing(self):
        self.assertIn(
            "SessionExpired",
            self.jsonrpc(None, "oms.hold", "write", [self.hold.id], {"state": "released"}),
        )
        self.assert_held()

    def test_portal_customer_sees_their_order(self):
        """Installing the addon keeps a customer's portal: their OMS order, sent as a
        quotation, opens; its holds do not show there."""
        self.order.action_quotation_sent()
        partner = self.order.partner_id
        new_test_user(
            self.env, login="oms_rpc_portal", groups="base.group_portal", partner_id=partner.id
        )
        self.authenticate("oms_rpc_portal", "oms_rpc_portal")
        response = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.order.name, response.text)
        self.assertNotIn("not paid", response.text)
        self.assertIn(
            "AccessError",
            self.jsonrpc(None, "oms.hold", "read", [self.hold.id], ["reason"]),
        )
