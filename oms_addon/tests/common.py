# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import copy
import json
import uuid

from odoo import SUPERUSER_ID, api
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests import new_test_user
from odoo.tests.common import BaseCase, TransactionCase, get_db_name


def canonical_order(reference="WEB-1001", **overrides):
    """A realistic canonical order (two lines, shipping, paid by card)."""
    order = {
        "reference": reference,
        "date_order": "2026-11-20T10:15:00Z",
        "currency": "USD",
        "customer": {
            "name": "Jane Doe",
            "email": "jane.doe@example.com",
            "phone": "+1 415 555 0100",
            "lang": "en_US",
        },
        "shipping_address": {
            "name": "Jane Doe",
            "street": "1 Market St",
            "city": "San Francisco",
            "zip": "94105",
            "state_code": "CA",
            "country_code": "US",
        },
        "lines": [
            {"sku": "OMS-T-TEE", "quantity": 2, "unit_price": 19.9, "discount": 10},
            {"barcode": "4006381333931", "quantity": 1, "unit_price": 12.5},
        ],
        "subtotal": 48.32,
        "shipping": {"method": "std", "amount": 7.9},
        "payment": {
            "status": "paid",
            "method": "card",
            "amount": 64.31,
            "transaction_ref": "ch_3Nabc",
        },
        "gift_message": "Happy birthday!",
        "flags": {"vip": True},
    }
    order = copy.deepcopy(order)
    order.update(overrides)
    return order


def as_body(*orders):
    data = orders[0] if len(orders) == 1 else list(orders)
    return json.dumps(data).encode()


class OmsCase(TransactionCase):
    """Fixtures shared by the OMS tests: users of each group, a channel, products
    with SKUs and barcodes, a carrier."""

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
        product_model = cls.env["product.product"]
        cls.tee = product_model.create(
            {
                "name": "Test Tee",
                "default_code": "OMS-T-TEE",
                "is_storable": True,
                "list_price": 25.0,
                "taxes_id": [],
            }
        )
        cls.mug = product_model.create(
            {
                "name": "Test Mug",
                "barcode": "4006381333931",
                "default_code": "OMS-T-MUG",
                "is_storable": True,
                "list_price": 15.0,
                "taxes_id": [],
            }
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Test Standard",
                "oms_method_codes": "std, standard",
                "delivery_type": "fixed",
                "fixed_price": 7.9,
                "product_id": product_model.create(
                    {"name": "Test Shipping", "type": "service", "taxes_id": []}
                ).id,
            }
        )

    # ------------------------------------------------------------------
    def receive(self, *orders, channel=None):
        """Store ``orders`` as one API message and process it, as the job does."""
        channel = channel or self.channel
        intakes = self.env["oms.intake"]._receive(channel, as_body(*orders))
        intakes._process()
        return intakes


class CommittedCase(BaseCase):
    """For tests whose threads each commit in their own transaction: outside the
    test transaction, the data is made and removed with cursors of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.tag = uuid.uuid4().hex[:8]

    @classmethod
    def env_for(cls, cr):
        """A superuser environment on ``cr``, usable from any thread."""
        # The test runner holds the registry lock while tests run: hand the
        # registry over instead of letting Environment look it up (and wait).
        cr.transaction = Transaction(cls.registry)
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
