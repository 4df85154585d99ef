# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class OmsCase(TransactionCase):
    """Fixtures shared by the OMS tests: users of each group and a channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.oms_user = new_test_user(
            cls.env, login="oms_user", groups="base.group_user,oms_addon.group_oms_user"
        )
        cls.oms_manager = new_test_user(
            cls.env, login="oms_manager", groups="base.group_user,oms_addon.group_oms_manager"
        )
        # An internal user with Sales and Inventory rights but no OMS group.
        cls.sales_user = new_test_user(
            cls.env,
            login="sales_only",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "stock.group_stock_user",
        )
        cls.channel = cls.env["oms.channel"].create(
            {"name": "Test Web Shop", "code": "test-web", "channel_type": "web"}
        )
