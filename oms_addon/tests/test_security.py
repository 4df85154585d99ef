# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OmsCase


@tagged("post_install", "-at_install")
class TestSecurity(OmsCase):
    def test_groups_chain(self):
        """Manager implies User; Sales and Inventory users get no OMS group."""
        manager_group = self.env.ref("oms_addon.group_oms_manager")
        user_group = self.env.ref("oms_addon.group_oms_user")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.oms_manager.has_group("oms_addon.group_oms_user"))
        self.assertFalse(self.sales_user.has_group("oms_addon.group_oms_user"))
        self.assertFalse(self.oms_user.has_group("oms_addon.group_oms_manager"))

    def test_admin_is_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group("oms_addon.group_oms_manager"))

    def test_internal_user_cannot_read_configuration(self):
        with self.assertRaises(AccessError):
            self.env["oms.channel"].with_user(self.sales_user).search([])
        with self.assertRaises(AccessError):
            self.channel.with_user(self.sales_user).read(["name"])

    def test_oms_user_uses_but_does_not_configure(self):
        channels = self.env["oms.channel"].with_user(self.oms_user).search([])
        self.assertIn(self.channel, channels)
        with self.assertRaises(AccessError):
            self.channel.with_user(self.oms_user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["oms.channel"].with_user(self.oms_user).create(
                {"name": "Rogue", "code": "rogue"}
            )

    def test_oms_manager_configures(self):
        channel = (
            self.env["oms.channel"]
            .with_user(self.oms_manager)
            .create({"name": "Phone", "code": "phone-test", "channel_type": "phone"})
        )
        channel.write({"name": "Phone Sales"})
        self.assertEqual(channel.name, "Phone Sales")
        channel.unlink()
        self.assertFalse(channel.exists())

    def test_channel_of_other_company_is_hidden(self):
        other = self.env["res.company"].create({"name": "OMS Other Co"})
        foreign = self.env["oms.channel"].create(
            {"name": "Foreign", "code": "foreign", "company_id": other.id}
        )
        self.oms_manager.write({"company_ids": [(4, other.id)]})
        visible = (
            self.env["oms.channel"]
            .with_user(self.oms_manager)
            .with_context(allowed_company_ids=[self.company.id])
            .search([])
        )
        self.assertNotIn(foreign, visible, "only channels of the active companies show")
        visible = (
            self.env["oms.channel"]
            .with_user(self.oms_manager)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([])
        )
        self.assertIn(foreign, visible)
