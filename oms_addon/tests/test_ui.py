# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged

# Resolves once the action's view is on screen, fails (by timeout or an error
# dialog) otherwise; any JavaScript error on the page fails the test too.
WAIT_FOR_VIEW = """
(async () => {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
        if (document.querySelector('.o_error_dialog')) {
            console.error('error dialog: ' + document.querySelector('.o_error_dialog').innerText);
            return;
        }
        if (document.querySelector('.o_action_manager .o_view_controller, .modal .o_form_view')) {
            console.log('test successful');
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.error('the view did not load within 30 s');
})();
"""

# Opens every tab of a form with a status bar; an error dialog fails the test.
CLICK_EVERY_TAB = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const deadline = Date.now() + 30000;
    while (!document.querySelector('.o_form_view .o_notebook') && Date.now() < deadline) {
        await sleep(100);
    }
    if (!document.querySelector('.o_form_view .o_statusbar_status')) {
        console.error('no status bar on the form');
        return;
    }
    for (const tab of document.querySelectorAll('.o_notebook .nav-link')) {
        tab.click();
        await sleep(500);
        const dialog = document.querySelector('.o_error_dialog');
        if (dialog) {
            console.error('error dialog on tab ' + tab.innerText + ': ' + dialog.innerText);
            return;
        }
    }
    console.log('test successful');
})();
"""


@tagged("post_install", "-at_install")
class TestMenus(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oms_user = new_test_user(
            cls.env, login="oms_ui_user", groups="base.group_user,oms_addon.group_oms_user"
        )
        cls.oms_manager = new_test_user(
            cls.env,
            login="oms_ui_manager",
            groups="base.group_user,oms_addon.group_oms_manager",
        )

    def _menu_actions(self, user):
        """The OMS menus with an action, as the web client shows them to ``user``."""
        tree = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        found = {}

        def walk(menu_id, path):
            menu = tree[menu_id]
            path = f"{path}/{menu['name']}" if path else menu["name"]
            if menu["action"]:
                found[path] = (menu_id, int(menu["action"].split(",")[1]))
            for child_id in menu["children"]:
                walk(child_id, path)

        root = self.env.ref("oms_addon.menu_oms_root")
        self.assertIn(root.id, tree["root"]["children"], "the app is visible")
        walk(root.id, "")
        return found

    def test_user_sees_app_without_configuration(self):
        names = set(self._menu_actions(self.oms_user))
        self.assertIn("Order Management/Orders/Orders", names)
        self.assertFalse(
            [name for name in names if name.startswith("Order Management/Configuration")]
        )

    def test_root_views_load_in_browser(self):
        """Each OMS menu opens its view in a real browser without a JavaScript error."""
        for login, user in (("oms_ui_user", self.oms_user), ("oms_ui_manager", self.oms_manager)):
            menus = self._menu_actions(user)
            self.assertGreaterEqual(len(menus), 4)
            for path, (menu_id, action_id) in menus.items():
                with self.subTest(login=login, menu=path):
                    self.browser_js(
                        f"/odoo/action-{action_id}?menu_id={menu_id}",
                        WAIT_FOR_VIEW,
                        login=login,
                        timeout=60,
                    )

    def test_oms_order_form_in_browser(self):
        """An OMS order's form shows its stage as the status bar and every tab opens
        (holds, sourcing with its history) without a JavaScript error."""
        product = self.env["product.product"].create({"name": "UI Tee", "is_storable": True})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5)
        channel = self.env["oms.channel"].create(
            {"name": "UI Shop", "code": "uishop", "channel_type": "web"}
        )
        channel.write({"check_address": False, "check_fraud": False})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "UI Customer"}).id,
                "oms_channel_id": channel.id,
                "oms_payment_status": "paid",
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        order.action_oms_source()
        self.assertEqual(len(order.oms_sourcing_decision_ids), 2)
        self.browser_js(
            f"/odoo/action-sale.action_orders/{order.id}",
            CLICK_EVERY_TAB,
            login="oms_ui_user",
            timeout=60,
        )


@tagged("post_install", "-at_install")
class TestSalesUserInBrowser(HttpCase):
    """A sales person without OMS rights, in a real browser: creates and confirms a
    plain quotation, and opens an OMS order with its holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_user = new_test_user(
            cls.env,
            login="oms_tour_sales",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        cls.env["res.partner"].create({"name": "OMS Tour Customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "OMS Tour Widget", "type": "consu", "list_price": 10.0}
        )

    def test_plain_quotation_created_and_confirmed(self):
        self.start_tour("/odoo", "oms_sales_user_plain_quotation", login="oms_tour_sales")
        order = self.env["sale.order"].search(
            [("partner_id.name", "=", "OMS Tour Customer")], limit=1
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.user_id, self.sales_user)

    def test_oms_order_with_a_hold_opens(self):
        channel = self.env["oms.channel"].create(
            {"name": "Tour Shop", "code": "tourshop", "channel_type": "web"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Tour OMS Buyer"}).id,
                "oms_channel_id": channel.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_oms_preprocess()  # no payment: a payment hold
        self.assertTrue(order.oms_on_hold)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "oms_sales_user_oms_order",
            login="oms_tour_sales",
        )
        self.assertEqual(order.state, "draft", "the Confirm button left it a quotation")
        self.assertFalse(order.picking_ids)
