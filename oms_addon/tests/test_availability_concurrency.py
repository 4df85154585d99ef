# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Two channels selling the last units at the same moment, each in its own
transaction: one order reserved, one on hold, never a negative.

The last two units lie on two shelves of one warehouse, one on each, and each order
wants both. PostgreSQL alone does not keep the second order out: Odoo reserves on a quant
it picks with ``FOR NO KEY UPDATE SKIP LOCKED`` and, when the other transaction holds
that row, writes the reservation on a new quant row of the same location; so without
the gate's lock (``_oms_lock_stock``) both orders are confirmed, four units reserved on
two. Checked by hand: with the lock removed every round fails with both orders
confirmed."""

import threading

import psycopg2

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommittedCase

ROUNDS = 10


@tagged("post_install", "-at_install")
class TestLastUnitRace(CommittedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = cls.env_for(cr)
            cls.channel_id = (
                env["oms.channel"]
                .create(
                    {
                        "name": "Race",
                        "code": f"last-unit-{cls.tag}",
                        "check_fraud": False,
                    }
                )
                .id
            )
            stock = env["stock.warehouse"].search([], limit=1, order="id").lot_stock_id
            cls.shelf_ids = [
                env["stock.location"]
                .create({"name": f"Shelf {name} {cls.tag}", "location_id": stock.id})
                .id
                for name in "AB"
            ]
            cls.partner_id = (
                env["res.partner"]
                .create(
                    {
                        "name": "Race Customer",
                        "street": "1 Market St",
                        "city": "San Francisco",
                        "zip": "94105",
                        "state_id": env.ref("base.state_us_5").id,
                        "country_id": env.ref("base.us").id,
                    }
                )
                .id
            )

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            env = cls.env_for(cr)
            orders = env["sale.order"].search([("partner_id", "=", cls.partner_id)])
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
        super().tearDownClass()

    def order_vals(self, product, warehouse, oms=True):
        """A paid order of two units of ``product`` (``oms``: from the channel)."""
        vals = {
            "partner_id": self.partner_id,
            "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
        }
        if oms:
            vals.update(oms_channel_id=self.channel_id, oms_payment_status="paid")
        return vals

    def setup_round(self, number, confirmed_first=False):
        """A new product, and two orders of two of it; then one unit of it on each
        shelf. ``confirmed_first``: the first order, not an OMS one, is confirmed
        before the units come, its delivery waiting for them."""
        with self.registry.cursor() as cr:
            env = self.env_for(cr)
            product = env["product.product"].create(
                {"name": f"Last unit {self.tag}-{number}", "is_storable": True}
            )
            warehouse = env["stock.warehouse"].search([], limit=1, order="id")
            orders = env["sale.order"].create(
                [
                    self.order_vals(product, warehouse, oms=not confirmed_first),
                    self.order_vals(product, warehouse),
                ]
            )
            if confirmed_first:
                orders[0].action_confirm()
            for shelf in env["stock.location"].browse(self.shelf_ids):
                env["stock.quant"]._update_available_quantity(product, shelf, 1)
            return product.id, orders.ids

    def run_at_once(self, calls):
        """Run each (method name, order id) of ``calls`` in a thread of its own, all
        at once; each worker commits, retrying on a serialization failure as Odoo
        retries a request or a job."""
        barrier, results = threading.Barrier(len(calls)), []
        threads = [
            threading.Thread(target=self.worker, args=(*call, barrier, results)) for call in calls
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(results, ["ok"] * len(calls))

    def worker(self, method, order_id, barrier, results):
        try:
            with self.registry.cursor() as cr:
                barrier.wait(timeout=30)
                for _attempt in range(5):
                    env = self.env_for(cr)
                    try:
                        getattr(env["sale.order"].browse(order_id), method)()
                        cr.commit()  # pylint: disable=invalid-commit
                        break
                    except (
                        psycopg2.errors.SerializationFailure,
                        psycopg2.errors.DeadlockDetected,
                    ):
                        cr.rollback()
                results.append("ok")
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results.append(repr(error))

    @mute_logger("odoo.sql_db")
    def test_last_unit_sold_twice_at_once(self):
        for number in range(ROUNDS):
            product_id, order_ids = self.setup_round(number)
            self.run_at_once([("_oms_preprocess", order_id) for order_id in order_ids])
            with self.registry.cursor() as cr:
                env = self.env_for(cr)
                orders = env["sale.order"].browse(order_ids)
                with self.subTest(round=number):
                    self.assertEqual(sorted(orders.mapped("state")), ["draft", "sale"])
                    held = orders.filtered(lambda o: o.state == "draft")
                    self.assertEqual(held.oms_hold_ids.hold_type_id.check, "availability")
                    self.assertNotOversold(env, product_id)

    @mute_logger("odoo.sql_db")
    def test_source_again_while_another_order_takes_the_units(self):
        """*Source Again* on a confirmed order waiting for the units, while a new
        order is pre-processed: one of them gets both units, never both orders."""
        for number in range(ROUNDS // 2):
            product_id, (waiting_id, new_id) = self.setup_round(number, confirmed_first=True)
            self.run_at_once(
                [("_oms_resource_open_lines", waiting_id), ("_oms_preprocess", new_id)]
            )
            with self.registry.cursor() as cr:
                env = self.env_for(cr)
                waiting, new = env["sale.order"].browse([waiting_id, new_id])
                with self.subTest(round=number):
                    reserved = sum(waiting.order_line.move_ids.mapped("quantity"))
                    if new.state == "sale":
                        self.assertEqual(reserved, 0)
                    else:
                        self.assertEqual(reserved, 2)
                    self.assertNotOversold(env, product_id)

    def assertNotOversold(self, env, product_id):
        """Both units reserved, never more than a quant holds."""
        quants = env["stock.quant"].search(
            [("product_id", "=", product_id), ("location_id.usage", "=", "internal")]
        )
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 2)
        for quant in quants:
            self.assertLessEqual(quant.reserved_quantity, quant.quantity)
