# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sourcing through the model: orders of 1-5 lines, 1,000 SKUs, 5 warehouses.

The warehouses, products, stock and orders are made once into a copy of the
template; each arm runs on its own copy of that copy:

- oms_addon: ``_oms_plan`` (decided: stock, rules and lines read, every order's
  decision made) and ``_oms_source`` (also written: each line its warehouse, each
  order its decision record);
- plain Odoo doing the same job with what it offers: the lines' products'
  ``free_qty`` read in each warehouse, each order given the first warehouse holding
  all its lines (units taken from what the orders before it left), and
  ``sale.order.warehouse_id`` written, one write per warehouse.

Queries must not grow with the number of lines.
"""

import functools
import random

from bench_db import api_env, copy_database, drop_database, fresh_registry, measure

print = functools.partial(print, flush=True)  # figures as they come
SOURCING_TEMPLATE = "oms_bench_sourcing"


def make_sourcing_template(cluster, n_lines):
    """Copy of the template with the sourcing data, kept for the arms to copy."""
    from odoo import Command
    from odoo.modules.registry import Registry

    copy_database(cluster, SOURCING_TEMPLATE)

    rng = random.Random(3)
    with Registry(SOURCING_TEMPLATE).cursor() as cr:
        env = api_env(cr)
        warehouses = env["stock.warehouse"].search([], order="id")
        for i in range(len(warehouses), 5):
            address = env["res.partner"].create({"name": f"WH {i}"})
            warehouses |= env["stock.warehouse"].create(
                {"name": f"Bench WH {i}", "code": f"BW{i}", "partner_id": address.id}
            )
        for i, warehouse in enumerate(warehouses):
            warehouse.partner_id.write(
                {"partner_latitude": 35 + i * 4, "partner_longitude": -120 + i * 10}
            )
        products = env["product.product"].create(
            [
                {"name": f"Src {i}", "default_code": f"SRC-{i:04d}", "is_storable": True}
                for i in range(1000)
            ]
        )
        env["stock.quant"].create(
            [
                {
                    "product_id": product.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "quantity": rng.randint(1, 20),
                }
                for product in products
                for warehouse in rng.sample(list(warehouses), 3)
            ]
        )
        partner = env["res.partner"].create(
            {"name": "Sourcing", "partner_latitude": 40.7, "partner_longitude": -74.0}
        )
        channel = env["oms.channel"].search([("code", "=", "bench")])
        vals, lines = [], 0
        while lines < n_lines:
            size = min(rng.randint(1, 5), n_lines - lines)
            lines += size
            vals.append(
                {
                    "partner_id": partner.id,
                    "oms_channel_id": channel.id,
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": 1})
                        for p in rng.sample(list(products), size)
                    ],
                }
            )
        env["sale.order"].create(vals)
        cr.commit()


def bench_sourcing_model(cluster, n_lines=10000):
    print("\n== Sourcing through the model: 1,000 SKUs, 5 warehouses ==")
    make_sourcing_template(cluster, n_lines)
    try:
        oms = _run_arm(cluster, "oms", _oms_steps)
        print(
            "   plain Odoo (free_qty per warehouse, first one holding every line, "
            "written on the order):"
        )
        plain = _run_arm(cluster, "plain", _plain_steps)
    finally:
        drop_database(cluster, SOURCING_TEMPLATE)
    print(f"   ratio oms/plain (lines/s, {n_lines} lines decided and written): {oms / plain:.2f}")


def _run_arm(cluster, arm, steps):
    """Each step on a tenth of the orders, then on all of them; the last step's
    lines/s on all of them."""
    with (
        fresh_registry(cluster, f"oms_bench_sourcing_{arm}", SOURCING_TEMPLATE) as registry,
        registry.cursor() as cr,
    ):
        env = api_env(cr)
        partner = env["res.partner"].search([("name", "=", "Sourcing")], limit=1)
        orders = env["sale.order"].search([("partner_id", "=", partner.id)], order="id")
        warehouses = env["stock.warehouse"].search([], order="id")
        for chunk in (len(orders) // 10, len(orders)):
            subset = orders[:chunk]
            n = len(subset.order_line)
            for label, step in steps(subset, warehouses):
                env.invalidate_all()
                _, elapsed, queries = measure(cr, step)
                print(
                    f"   {n:6d} lines, {label:<17}: {n / elapsed:8.0f} lines/s  "
                    f"{queries * 1000 / n:6.1f} queries per 1,000 lines"
                )
        cr.rollback()
    return n / elapsed


def _oms_steps(orders, _warehouses):
    return [("decided", orders._oms_plan), ("decided and written", orders._oms_source)]


def _plain_steps(orders, warehouses):
    def decide():
        products = orders.order_line.product_id
        free = {}
        for warehouse in warehouses:
            for product in products.with_context(warehouse_id=warehouse.id):
                free[warehouse.id, product.id] = product.free_qty
        chosen = {}
        for order in orders:
            lines = [(line.product_id.id, line.product_uom_qty) for line in order.order_line]
            warehouse = next(
                (
                    warehouse
                    for warehouse in warehouses
                    if all(free[warehouse.id, product] >= qty for product, qty in lines)
                ),
                order.warehouse_id,
            )
            for product, qty in lines:
                free[warehouse.id, product] -= qty
            chosen.setdefault(warehouse.id, []).append(order.id)
        return chosen

    def decide_and_write():
        for warehouse_id, order_ids in decide().items():
            orders.browse(order_ids).write({"warehouse_id": warehouse_id})

    return [("decided", decide), ("decided and written", decide_and_write)]
