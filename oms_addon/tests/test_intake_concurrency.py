# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Two workers, each with its own database cursor, racing on the same order."""

import threading

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommittedCase, as_body, canonical_order


@tagged("post_install", "-at_install")
class TestIntakeConcurrency(CommittedCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = cls.env_for(cr)
            product = env["product.product"].create(
                {"name": "Race Tee", "default_code": f"RACE-{cls.tag}", "taxes_id": []}
            )
            cls.channel_id = (
                env["oms.channel"]
                .create({"name": "Race", "code": f"race-{cls.tag}", "channel_type": "api"})
                .id
            )
            cls.product_id = product.id

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            env = cls.env_for(cr)
            channel = env["oms.channel"].browse(cls.channel_id)
            orders = env["sale.order"].search([("oms_channel_id", "=", channel.id)])
            partners = orders.partner_id | orders.partner_shipping_id | orders.partner_invoice_id
            env["oms.intake"].search([("channel_id", "=", channel.id)]).unlink()
            orders.unlink()
            partners.exists().unlink()
            channel.unlink()
            env["product.product"].browse(cls.product_id).unlink()
        super().tearDownClass()

    def order(self, reference):
        data = canonical_order(reference, subtotal=None, shipping=None)
        data["customer"] = dict(data["customer"], email=f"race-{self.tag}@example.com")
        data["lines"] = [{"sku": f"RACE-{self.tag}", "quantity": 1, "unit_price": 10.0}]
        return data

    def receive_and_process(self, body, barrier, results, direct):
        """A worker: store the message (the API request), wait for the other worker,
        then run the processing job (or process its own message directly, as the
        Retry button does), committing like both do."""
        try:
            with self.registry.cursor() as cr:
                env = self.env_for(cr)
                channel = env["oms.channel"].browse(self.channel_id)
                intake = env["oms.intake"]._receive(channel, body)
                cr.commit()  # pylint: disable=invalid-commit
                barrier.wait(timeout=30)
                if direct:
                    intake._process()
                else:
                    env["oms.intake"]._cron_process()
                cr.commit()  # pylint: disable=invalid-commit
                results.append("ok")
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results.append(repr(error))

    def send_concurrently(self, body, workers=2, direct=False):
        barrier = threading.Barrier(workers)
        results = []
        threads = [
            threading.Thread(target=self.receive_and_process, args=(body, barrier, results, direct))
            for _worker in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results

    def count(self, reference):
        with self.registry.cursor() as cr:
            env = self.env_for(cr)
            orders = env["sale.order"].search_count(
                [("oms_channel_id", "=", self.channel_id), ("oms_channel_ref", "=", reference)]
            )
            states = (
                env["oms.intake"]
                .search([("channel_id", "=", self.channel_id), ("external_ref", "=", reference)])
                .mapped("state")
            )
        return orders, sorted(states)

    def assertOneOrder(self, reference, messages):
        orders, states = self.count(reference)
        self.assertEqual(orders, 1)
        self.assertEqual(states, ["done"] + ["duplicate"] * (messages - 1))

    def test_same_message_five_times_two_of_them_at_once(self):
        """Two workers take the same message at once through the job, then three
        more copies arrive: one order, four duplicates, every round."""
        for round_number in range(5):
            reference = f"RACE-{self.tag}-{round_number}"
            body = as_body(self.order(reference))
            self.assertEqual(self.send_concurrently(body), ["ok", "ok"])
            # A worker that found the order's advisory lock taken left the message
            # for a later batch: run the job once more, as the next wake-up does.
            self.assertEqual(self.send_concurrently(body, workers=1), ["ok"])
            for _resend in range(2):
                self.assertEqual(self.send_concurrently(body, workers=1), ["ok"])
            self.assertOneOrder(reference, 5)

    @mute_logger("odoo.sql_db")
    def test_direct_processing_race_is_caught_by_the_unique_reference(self):
        """Retry buttons pressed at the same moment bypass the job's locks: the
        unique (channel, reference) still lets only one order through."""
        for round_number in range(3):
            reference = f"RACE-{self.tag}-direct-{round_number}"
            body = as_body(self.order(reference))
            results = self.send_concurrently(body, direct=True)
            self.assertEqual(results, ["ok", "ok"])
            self.assertOneOrder(reference, 2)
