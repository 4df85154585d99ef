#!/usr/bin/env python3
# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Intake benchmark: channel messages to quotations, against plain Odoo.

    python3 bench/intake_bench.py [--orders N] [--requests 400]
                                  [--only processing,e2e,sourcing,api]

Starts a throwaway PostgreSQL cluster and installs oms_addon (no demo data) once into
a template database with the shop's products, customers and stock. Every part, and
in each part the oms_addon arm and the plain Odoo arm, then runs on its own fresh
copy of that template (``CREATE DATABASE ... TEMPLATE``): no part sees what another
left. Each arm first warms up on 50 orders of its own (caches, PostgreSQL buffers),
then is measured; both arms get the same orders and the same batch size, and commit
after each batch.

1. Processing: N canonical orders (3 lines on average, 5 % duplicates, 2 % invalid)
   are stored as the API stores them and processed by the job; plain Odoo creates
   the same valid orders with ``sale.order.create`` in batches of the job's size,
   tracking disabled, partners and products already known. Default N: 1,000.
2. End to end: the same to confirmed, sourced, reserved orders (the processing job,
   then pre-processing), against plain Odoo's ``create`` + ``action_confirm`` of the
   same orders in the same batches. Default N: 500 (``--orders`` sets both).
3. Sourcing through the model (see ``bench_sourcing_model.py``).
4. API acceptance: Odoo served with 2 workers; 4 concurrent clients post signed
   orders (request to 202), then call Odoo's cheapest JSON route
   ``/web/webclient/version_info`` on the same server. Prints requests/s and p95.

Each part prints its figures for both arms and their ratio. Absolute times on shared
machines are noise; the ratios are the figures.
"""

import argparse
import functools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import oms_dev  # the test command's Odoo and cluster helpers
from bench_api import bench_api
from bench_db import TEMPLATE, api_env, copy_database, drop_database, fresh_registry, measure
from bench_sourcing_model import bench_sourcing_model

print = functools.partial(print, flush=True)  # figures as they come
BATCH = 200
WARMUP = 50
PROCESSING_ORDERS = 1000
E2E_ORDERS = 500
PARTS = ["processing", "e2e", "sourcing", "api"]


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def make_orders(count, skus, customers, seed=0):
    """``count`` messages: 2 % invalid (unknown SKU), 5 % re-sent duplicates."""
    rng = random.Random(seed)
    orders = []
    for number in range(count):
        customer = customers[number % len(customers)]
        lines = [
            {
                "sku": rng.choice(skus),
                "quantity": rng.randint(1, 4),
                "unit_price": round(rng.uniform(5, 80), 2),
                "discount": rng.choice([0, 0, 0, 10]),
            }
            for _line in range(rng.choice([2, 3, 4]))
        ]
        orders.append(
            {
                "reference": f"B-{number:06d}",
                "currency": "USD",
                "customer": {"name": customer["name"], "email": customer["email"]},
                "shipping_address": customer["address"],
                "lines": lines,
                "payment": {"status": "paid", "method": "card"},
            }
        )
    for index in rng.sample(range(count), count * 2 // 100):
        orders[index]["lines"][0]["sku"] = "NO-SUCH-SKU"
    duplicates = [dict(orders[i]) for i in rng.sample(range(count), count * 5 // 100)]
    messages = orders + duplicates
    rng.shuffle(messages)
    return messages


def setup_data(env, n_products=300, n_customers=400):
    """Products with SKUs and customers with addresses, as a shop already has them."""
    products = env["product.product"].create(
        [
            {
                "name": f"Bench {i}",
                "default_code": f"BENCH-{i:04d}",
                "list_price": 10.0,
                "taxes_id": [],
                "is_storable": True,
            }
            for i in range(n_products)
        ]
    )
    us = env.ref("base.us")
    illinois = env["res.country.state"].search([("country_id", "=", us.id), ("code", "=", "IL")])
    customers = []
    partner_vals = []
    for i in range(n_customers):
        address = {
            "name": f"Customer {i}",
            "street": f"{i} Main St",
            "city": "Springfield",
            "zip": "62701",
            "state_code": "IL",
            "country_code": "US",
        }
        customers.append(
            {"name": f"Customer {i}", "email": f"c{i}@bench.example", "address": address}
        )
        partner_vals.append(
            {
                "name": f"Customer {i}",
                "email": f"c{i}@bench.example",
                "street": address["street"],
                "city": "Springfield",
                "zip": "62701",
                "country_id": us.id,
                "state_id": illinois.id,
            }
        )
    partners = env["res.partner"].create(partner_vals)
    env["oms.channel"].create(
        {"name": "Bench", "code": "bench", "channel_type": "api", "fraud_orders_per_hour": 0}
    )
    warehouse = env["stock.warehouse"].search([], limit=1)
    env["stock.quant"].create(
        [
            {"product_id": product.id, "location_id": warehouse.lot_stock_id.id, "quantity": 10**6}
            for product in products
        ]
    )
    return products.mapped("default_code"), customers, partners


def load_data(env):
    """The template's SKUs and customers, as the messages carry them, and their ids."""
    products = env["product.product"].search([("default_code", "like", "BENCH-")], order="id")
    partners = env["res.partner"].search([("email", "like", "@bench.example")], order="id")
    customers = [
        {
            "name": partner.name,
            "email": partner.email,
            "address": {
                "name": partner.name,
                "street": partner.street,
                "city": partner.city,
                "zip": partner.zip,
                "state_code": partner.state_id.code,
                "country_code": partner.country_id.code,
            },
        }
        for partner in partners
    ]
    return {
        "skus": products.mapped("default_code"),
        "customers": customers,
        "product_ids": {product.default_code: product.id for product in products},
        "partner_ids": {partner.email: partner.id for partner in partners},
    }


def messages_for(data, count, seed, prefix):
    messages = make_orders(count, data["skus"], data["customers"], seed=seed)
    for message in messages:
        message["reference"] = prefix + message["reference"]
    return messages


def plain_vals(messages, data):
    """sale.order values of the valid orders among ``messages``, each once."""
    from odoo import Command

    product_ids, vals_list = data["product_ids"], []
    for message in {m["reference"]: m for m in messages}.values():
        if any(line["sku"] not in product_ids for line in message["lines"]):
            continue
        vals_list.append(
            {
                "partner_id": data["partner_ids"][message["customer"]["email"]],
                "client_order_ref": message["reference"],
                "order_line": [
                    Command.create(
                        {
                            "product_id": product_ids[line["sku"]],
                            "product_uom_qty": line["quantity"],
                            "price_unit": line["unit_price"],
                            "discount": line["discount"],
                        }
                    )
                    for line in message["lines"]
                ],
            }
        )
    return vals_list


def run_arm(cluster, part, arm, count, seed, run):
    """``run(env, messages, data)`` on a warm-up set, then on the measured set, in a
    fresh copy of the template; the measured run's result."""
    with fresh_registry(cluster, f"oms_bench_{part}_{arm}") as registry, registry.cursor() as cr:
        env = api_env(cr)
        data = load_data(env)
        run(env, messages_for(data, WARMUP, seed=seed + 1000, prefix="W"), data)
        result = run(env, messages_for(data, count, seed=seed, prefix="M"), data)
        cr.commit()
    return result


# ----------------------------------------------------------------------
# 1. Processing
# ----------------------------------------------------------------------
def bench_processing(cluster, count):
    oms = run_arm(cluster, "processing", "oms", count, 0, run_oms_processing)
    plain = run_arm(cluster, "processing", "plain", count, 0, run_plain_processing)
    states, created, oms_time, oms_queries, n_messages = oms
    plain_count, plain_time, plain_queries = plain
    print(
        f"\n== Intake processing: {n_messages} messages "
        f"({count} orders + {n_messages - count} re-sent duplicates) =="
    )
    print(f"   intake outcome: {states}; orders created: {created}")
    oms_rate, plain_rate = created / oms_time, plain_count / plain_time
    print(
        f"   oms_addon  : {oms_rate:8.1f} orders/s  {oms_queries / created:6.1f} queries/order"
        f"  ({oms_time:.1f}s: stored, checked, matched, created)"
    )
    print(
        f"   plain Odoo : {plain_rate:8.1f} orders/s  {plain_queries / plain_count:6.1f} "
        f"queries/order  ({plain_time:.1f}s, sale.order.create in batches of {BATCH})"
    )
    print(f"   ratio oms/plain (throughput): {oms_rate / plain_rate:.2f}")


def receive(env, messages):
    """Store the messages as the API does; their channel."""
    channel = env["oms.channel"].search([("code", "=", "bench")])
    intake = env["oms.intake"]
    for message in messages:
        intake._receive(channel, json.dumps(message).encode())
    return channel


def run_oms_processing(env, messages, _data):
    """Store the messages as the API does, then run the processing job."""

    def oms():
        receive(env, messages)
        env["oms.intake"]._cron_process(batch_size=BATCH)

    _, elapsed, queries = measure(env.cr, oms)
    refs = [message["reference"] for message in messages]
    states = {}
    for intake in env["oms.intake"].search([("external_ref", "in", refs)]):
        states[intake.state] = states.get(intake.state, 0) + 1
    created = env["sale.order"].search_count(
        [("oms_channel_id.code", "=", "bench"), ("oms_channel_ref", "in", refs)]
    )
    env.cr.commit()
    return states, created, elapsed, queries, len(messages)


def run_plain_processing(env, messages, data):
    """The same valid orders with plain Odoo, partners and products already known."""
    vals_list = plain_vals(messages, data)

    def plain():
        for start in range(0, len(vals_list), BATCH):
            env["sale.order"].create(vals_list[start : start + BATCH])
            env.cr.commit()

    _, elapsed, queries = measure(env.cr, plain)
    return len(vals_list), elapsed, queries


# ----------------------------------------------------------------------
# 2. End to end
# ----------------------------------------------------------------------
def bench_end_to_end(cluster, count):
    """Messages to confirmed, sourced, reserved orders, against plain Odoo's
    create + action_confirm of the same orders."""
    oms = run_arm(cluster, "e2e", "oms", count, 7, run_oms_e2e)
    plain = run_arm(cluster, "e2e", "plain", count, 7, run_plain_e2e)
    confirmed, reserved, oms_time, oms_queries, n_messages = oms
    plain_count, plain_time, plain_queries = plain
    print(f"\n== End to end: {n_messages} messages to confirmed, sourced, reserved orders ==")
    print(
        f"   oms_addon  : {confirmed / oms_time:8.1f} orders/s  "
        f"{oms_queries / max(confirmed, 1):6.1f} queries/order  ({confirmed} confirmed, "
        f"{reserved} deliveries reserved, {oms_time:.1f}s)"
    )
    print(
        f"   plain Odoo : {plain_count / plain_time:8.1f} orders/s  "
        f"{plain_queries / plain_count:6.1f} queries/order  (create + action_confirm, "
        f"{plain_time:.1f}s)"
    )
    print(
        f"   ratio oms/plain (throughput): "
        f"{(confirmed / oms_time) / (plain_count / plain_time):.2f}"
    )


def run_oms_e2e(env, messages, _data):
    sale_order = env["sale.order"]
    pending = sale_order.search_count(sale_order._get_oms_preprocess_domain())
    if pending:  # left by the warm-up: they would be pre-processed again, and counted
        print(f"   ({pending} OMS quotations pending before the measured run)")

    def oms():
        receive(env, messages)
        env["oms.intake"]._cron_process(batch_size=BATCH)
        sale_order._cron_oms_preprocess(limit=len(messages) * 2, batch_size=BATCH)

    _, elapsed, queries = measure(env.cr, oms)
    refs = [message["reference"] for message in messages]
    confirmed = sale_order.search_count([("oms_channel_ref", "in", refs), ("state", "=", "sale")])
    reserved = env["stock.picking"].search_count(
        [("sale_id.oms_channel_ref", "in", refs), ("state", "=", "assigned")]
    )
    env.cr.commit()
    return confirmed, reserved, elapsed, queries, len(messages)


def run_plain_e2e(env, messages, data):
    vals_list = plain_vals(messages, data)

    def plain():
        for start in range(0, len(vals_list), BATCH):
            env["sale.order"].create(vals_list[start : start + BATCH]).action_confirm()
            env.cr.commit()

    _, elapsed, queries = measure(env.cr, plain)
    return len(vals_list), elapsed, queries


# ----------------------------------------------------------------------
def make_template(cluster, odoo_cmd, addons_path, env):
    """oms_addon installed without demo data, and the shop's data: the template."""
    print("Installing oms_addon in a template database...")
    subprocess.run(
        cluster.odoo(
            odoo_cmd,
            addons_path,
            TEMPLATE,
            "-i",
            "oms_addon",
            "--without-demo",
            "all",
            "--stop-after-init",
            "--log-level",
            "warn",
            "--http-port",
            str(oms_dev.free_port()),
        ),
        env=env,
        check=True,
    )
    os.environ.update(cluster.env())
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        cluster.odoo_args() + ["--addons-path", addons_path, "-d", TEMPLATE, "--log-level", "warn"]
    )
    with Registry(TEMPLATE).cursor() as cr:
        setup_data(api_env(cr))
        cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--orders",
        type=int,
        help=f"orders of the processing and end-to-end parts (default: "
        f"{PROCESSING_ORDERS} and {E2E_ORDERS})",
    )
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--lines", type=int, default=10000, help="lines of the sourcing part")
    parser.add_argument(
        "--only",
        type=lambda value: value.split(","),
        help="comma-separated parts to run: " + ", ".join(PARTS),
    )
    args = parser.parse_args()
    parts = args.only or PARTS
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if args.orders is None and {"processing", "e2e"} & set(parts):
        print(
            f"Default sizes: {PROCESSING_ORDERS} orders for processing, {E2E_ORDERS} for "
            "end to end (--orders N sets both)."
        )
    odoo_cmd, addons_path, env = oms_dev.find_odoo()
    with oms_dev.throwaway_cluster() as cluster:
        make_template(cluster, odoo_cmd, addons_path, env)
        if "processing" in parts:
            bench_processing(cluster, args.orders or PROCESSING_ORDERS)
        if "e2e" in parts:
            bench_end_to_end(cluster, args.orders or E2E_ORDERS)
        if "sourcing" in parts:
            bench_sourcing_model(cluster, args.lines)
        if "api" in parts:
            copy_database(cluster, "oms_bench_api")
            try:
                bench_api(cluster, odoo_cmd, addons_path, env, args.requests, "oms_bench_api")
            finally:
                drop_database(cluster, "oms_bench_api")


if __name__ == "__main__":
    main()
