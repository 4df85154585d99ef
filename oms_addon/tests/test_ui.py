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
