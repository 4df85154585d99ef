# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import OmsCase

AMSTERDAM = (52.37, 4.89)


@tagged("post_install", "-at_install")
class TestSourcing(OmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Keep the company's own rules out of the way: these tests bring theirs.
        cls.env["oms.sourcing.rule"].search([]).active = False
        cls.default_rule = cls.env["oms.sourcing.rule"].create(
            {"name": "Catch-all", "sequence": 1000, "strategy": "nearest"}
        )
        # Sourcing alone: the channel's other checks are tested elsewhere.
        cls.channel.write(
            {
                "check_payment": False,
                "check_address": False,
                "check_fraud": False,
                "check_availability": False,
            }
        )
        cls.sf = cls._warehouse("SF Test", "TSF", 37.71, -122.40)
        cls.chi = cls._warehouse("Chicago Test", "TCHI", 41.81, -87.74)
        cls.rtm = cls._warehouse("Rotterdam Test", "TRTM", 51.89, 4.44)
        product = cls.env["product.product"]
        cls.everywhere = product.create({"name": "Everywhere", "is_storable": True})
        cls.us_only = product.create({"name": "US only", "is_storable": True})
        cls.sf_only = product.create({"name": "SF only", "is_storable": True})
        cls.rtm_only = product.create({"name": "RTM only", "is_storable": True})
        for warehouse, products in (
            (cls.sf, cls.everywhere | cls.us_only | cls.sf_only),
            (cls.chi, cls.everywhere | cls.us_only),
            (cls.rtm, cls.everywhere | cls.rtm_only),
        ):
            for item in products:
                cls.env["stock.quant"]._update_available_quantity(item, warehouse.lot_stock_id, 10)
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Sanne",
                "city": "Amsterdam",
                "country_id": cls.env.ref("base.nl").id,
                "partner_latitude": AMSTERDAM[0],
                "partner_longitude": AMSTERDAM[1],
            }
        )

    @classmethod
    def _warehouse(cls, name, code, latitude, longitude):
        address = cls.env["res.partner"].create(
            {"name": name, "partner_latitude": latitude, "partner_longitude": longitude}
        )
        return cls.env["stock.warehouse"].create(
            {"name": name, "code": code, "partner_id": address.id}
        )

    def rule(self, **vals):
        vals.setdefault("name", "Test rule")
        vals.setdefault("sequence", 1)
        vals.setdefault("warehouse_ids", [(6, 0, (self.sf | self.chi | self.rtm).ids)])
        return self.env["oms.sourcing.rule"].create(vals)

    def order(self, *products):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "oms_channel_id": self.channel.id,
                "order_line": [
                    (0, 0, {"product_id": p.id, "product_uom_qty": 1}) for p in products
                ],
            }
        )

    def shipped_from(self, order):
        deliveries = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        return deliveries.picking_type_id.warehouse_id

    # ------------------------------------------------------------------
    def test_nearest_warehouse_ships(self):
        self.rule(strategy="nearest")
        order = self.order(self.everywhere)
        order.action_confirm()
        self.assertEqual(self.shipped_from(order), self.rtm)
        self.assertIn("Rotterdam Test", order.oms_sourcing_explanation)
        self.assertIn("km", order.oms_sourcing_explanation)
        self.assertEqual(order.oms_sourcing_reason, "complete")

    def test_ship_complete_beats_nearest_when_nearest_lacks_a_line(self):
        rule = self.rule(strategy="ship_complete")
        order = self.order(self.everywhere, self.us_only)
        order.action_confirm()
        self.assertEqual(self.shipped_from(order), self.chi, "nearest warehouse with both")
        self.assertEqual(order.oms_sourcing_rule_id, rule)
        self.assertIn("Chicago Test", order.oms_sourcing_explanation)

    def test_split_into_fewest_shipments(self):
        self.rule(strategy="nearest", allow_split=True)
        order = self.order(self.everywhere, self.sf_only, self.rtm_only)
        order.action_confirm()
        self.assertEqual(self.shipped_from(order), self.sf | self.rtm, "two deliveries, not three")
        self.assertEqual(order.oms_sourcing_reason, "split")
        sf_line = order.order_line.filtered(lambda line: line.product_id == self.sf_only)
        self.assertEqual(sf_line.oms_warehouse_id, self.sf)

    def test_no_split_when_the_rule_forbids_it(self):
        self.rule(strategy="nearest", allow_split=False)
        order = self.order(self.sf_only, self.rtm_only)
        with self.assertRaisesRegex(UserError, "on hold and cannot be confirmed: Sourcing"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        decision = order._oms_source()[order]
        self.assertFalse(decision.feasible)
        self.assertEqual(decision.reason, "split_not_allowed")
        self.assertIn("split", order.oms_sourcing_explanation)

    def test_fallback_rule_when_no_condition_matches(self):
        self.rule(
            name="US orders",
            country_ids=[(6, 0, self.env.ref("base.us").ids)],
            strategy="priority",
            warehouse_ids=[(6, 0, self.sf.ids)],
        )
        order = self.order(self.everywhere)
        order.action_confirm()
        self.assertEqual(order.oms_sourcing_rule_id, self.default_rule)
        self.assertEqual(self.shipped_from(order), self.rtm)

    def test_rule_conditions_pick_the_first_match(self):
        vip_rule = self.rule(
            name="VIP from SF",
            vip_filter="yes",
            strategy="priority",
            warehouse_ids=[(6, 0, self.sf.ids)],
        )
        order = self.order(self.everywhere)
        order.oms_is_vip = True
        order.action_confirm()
        self.assertEqual(order.oms_sourcing_rule_id, vip_rule)
        self.assertEqual(self.shipped_from(order), self.sf)

    def test_resourcing_moves_unpicked_quantities(self):
        self.rule(strategy="nearest")
        order = self.order(self.everywhere)
        order.action_confirm()
        first = order.picking_ids
        self.assertEqual(first.picking_type_id.warehouse_id, self.rtm)
        # Rotterdam's stock turns out to be gone (found broken at the count).
        self.env["stock.quant"]._update_available_quantity(
            self.everywhere, self.rtm.lot_stock_id, -10
        )
        order.with_user(self.oms_manager).action_oms_source()
        self.assertEqual(first.state, "cancel")
        new = order.picking_ids.filtered(lambda p: p.state != "cancel")
        self.assertEqual(new.picking_type_id.warehouse_id, self.chi, "next nearest with stock")
        self.assertEqual(new.state, "assigned")
        self.assertIn("Chicago Test", order.oms_sourcing_explanation)

    def test_every_run_is_kept_and_the_latest_shown(self):
        self.rule(strategy="nearest")
        order = self.order(self.everywhere)
        order.action_confirm()
        self.env["stock.quant"]._update_available_quantity(
            self.everywhere, self.rtm.lot_stock_id, -10
        )
        order.with_user(self.oms_manager).action_oms_source()
        first, latest = order.oms_sourcing_decision_ids.sorted("id")
        self.assertEqual(order.oms_sourcing_decision_id, latest)
        self.assertIn("Rotterdam Test", first.explanation)
        self.assertEqual(order.oms_sourcing_explanation, latest.explanation)
        self.assertEqual(latest.create_uid, self.oms_manager)
        # A decision is a record of what happened: nobody edits it.
        for user in (self.oms_manager, self.env.ref("base.user_admin")):
            with self.assertRaises(AccessError):
                latest.with_user(user).write({"explanation": "Made up."})

    def test_orders_sourced_together_do_not_count_on_the_same_units(self):
        self.rule(strategy="nearest")
        # Rotterdam has 10 of RTM only: the first order takes 6, the second cannot.
        first, second = self.order(self.rtm_only), self.order(self.rtm_only)
        (first | second).order_line.product_uom_qty = 6
        decisions = (first | second)._oms_source()
        self.assertTrue(decisions[first].feasible)
        self.assertEqual(decisions[second].reason, "unavailable")

    def test_line_warehouse_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other OMS Co"})
        foreign = self.env["stock.warehouse"].search([("company_id", "=", other.id)], limit=1)
        order = self.order(self.everywhere)
        with self.assertRaisesRegex(ValidationError, "another company"):
            order.order_line.oms_warehouse_id = foreign
