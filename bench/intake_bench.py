#!/usr/bin/env python3
# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Intake benchmark: channel messages to quotations, against plain Odoo.

    python3 bench/intake_bench.py [--orders 2000] [--requests 400]

Starts a throwaway PostgreSQL cluster, installs oms_addon (no demo data) and:

1. Processing: N canonical orders (3 lines on average, 5 % duplicates, 2 % invalid)
   are stored as the API stores them and processed by the job; in the same run the
   same valid orders are created with plain Odoo, ``sale.order.create`` on batches
   of the job's size with tracking disabled, partners and products already known.
   Prints orders/s and SQL queries per order for both, and their ratio.
2. API acceptance: Odoo served with 2 workers; 4 concurrent clients post signed
   orders (request to 202), then call Odoo's cheapest JSON route
   ``/web/webclient/version_info`` on the same server. Prints requests/s and p95.

Absolute times on shared machines are noise; the ratios are the figures.
"""

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tests"))

import oms_dev  # the test command's Odoo and cluster helpers

print = functools.partial(print, flush=True)  # figures as they come
DB = "oms_bench"
BATCH = 200


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
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10**6)
    return products.mapped("default_code"), customers, partners


# ----------------------------------------------------------------------
# 1. Processing
# ----------------------------------------------------------------------
def measure(cr, func):
    queries = cr.sql_log_count
    started = time.perf_counter()
    result = func()
    cr.flush()
    return result, time.perf_counter() - started, cr.sql_log_count - queries


def bench_processing(registry, count):
    """Both paths run once on a small warm-up set first (caches, PostgreSQL
    buffers), then on the measured set."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        skus, customers, partners = setup_data(env)
        cr.commit()
        product_ids = {
            p.default_code: p.id
            for p in env["product.product"].search([("default_code", "in", skus)])
        }
        partner_ids = {p.email: p.id for p in partners}
        for warmup in (True, False):
            messages = make_orders(100 if warmup else count, skus, customers, seed=warmup)
            prefix = "W" if warmup else "M"
            for message in messages:
                message["reference"] = prefix + message["reference"]
            oms = run_oms(env, messages)
            plain = run_plain(env, messages, product_ids, partner_ids)
        states, created, oms_time, oms_queries = oms
        plain_count, plain_time, plain_queries = plain

    print(
        f"\n== Intake processing: {len(messages)} messages "
        f"({count} orders + {len(messages) - count} re-sent duplicates) =="
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


def run_oms(env, messages):
    """Store the messages as the API does, then run the processing job."""
    cr = env.cr
    channel = env["oms.channel"].search([("code", "=", "bench")])

    def oms():
        intake = env["oms.intake"]
        for message in messages:
            intake._receive(channel, json.dumps(message).encode())
        intake._cron_process(batch_size=BATCH)

    _, elapsed, queries = measure(cr, oms)
    refs = [message["reference"] for message in messages]
    intakes = env["oms.intake"].search([("external_ref", "in", refs)])
    states = {}
    for intake in intakes:
        states[intake.state] = states.get(intake.state, 0) + 1
    created = env["sale.order"].search_count(
        [("oms_channel_id", "=", channel.id), ("oms_channel_ref", "in", refs)]
    )
    cr.commit()
    return states, created, elapsed, queries


def run_plain(env, messages, product_ids, partner_ids):
    """The same valid orders with plain Odoo, partners and products already known."""
    from odoo import Command

    seen, vals_list = set(), []
    for message in messages:
        if message["reference"] in seen or any(
            line["sku"] not in product_ids for line in message["lines"]
        ):
            continue
        seen.add(message["reference"])
        vals_list.append(
            {
                "partner_id": partner_ids[message["customer"]["email"]],
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

    def plain():
        sale_order = env["sale.order"]
        for start in range(0, len(vals_list), BATCH):
            sale_order.create(vals_list[start : start + BATCH])

    _, elapsed, queries = measure(env.cr, plain)
    env.cr.commit()
    return len(vals_list), elapsed, queries


def bench_end_to_end(registry, count):
    """Messages to confirmed, sourced, reserved orders, against plain Odoo's
    create + action_confirm of the same orders."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        skus = (
            env["product.product"]
            .search([("default_code", "like", "BENCH-")])
            .mapped("default_code")
        )
        partners = env["res.partner"].search([("email", "like", "@bench.example")])
        customers = [
            {
                "name": p.name,
                "email": p.email,
                "address": {
                    "name": p.name,
                    "street": p.street,
                    "city": p.city,
                    "zip": p.zip,
                    "state_code": "IL",
                    "country_code": "US",
                },
            }
            for p in partners
        ]
        product_ids = {
            p.default_code: p.id
            for p in env["product.product"].search([("default_code", "in", skus)])
        }
        partner_ids = {p.email: p.id for p in partners}
        messages = make_orders(count, skus, customers, seed=7)
        for message in messages:
            message["reference"] = "E" + message["reference"]
        sale_order = env["sale.order"]

        def oms():
            intake = env["oms.intake"]
            channel = env["oms.channel"].search([("code", "=", "bench")])
            for message in messages:
                intake._receive(channel, json.dumps(message).encode())
            intake._cron_process(batch_size=BATCH)
            sale_order._cron_oms_preprocess(limit=count * 2)

        _, oms_time, oms_queries = measure(cr, oms)
        refs = [m["reference"] for m in messages]
        confirmed = sale_order.search_count(
            [("oms_channel_ref", "in", refs), ("state", "=", "sale")]
        )
        reserved = env["stock.picking"].search_count(
            [("sale_id.oms_channel_ref", "in", refs), ("state", "=", "assigned")]
        )
        cr.commit()
        vals = []
        for message in {m["reference"]: m for m in messages}.values():
            if all(line["sku"] in product_ids for line in message["lines"]):
                vals.append(message)

        def plain():
            from odoo import Command

            for start in range(0, len(vals), BATCH):
                orders = sale_order.create(
                    [
                        {
                            "partner_id": partner_ids[m["customer"]["email"]],
                            "order_line": [
                                Command.create(
                                    {
                                        "product_id": product_ids[line["sku"]],
                                        "product_uom_qty": line["quantity"],
                                        "price_unit": line["unit_price"],
                                    }
                                )
                                for line in m["lines"]
                            ],
                        }
                        for m in vals[start : start + BATCH]
                    ]
                )
                orders.action_confirm()

        _, plain_time, plain_queries = measure(cr, plain)
        cr.commit()
    print(f"\n== End to end: {len(messages)} messages to confirmed, sourced, reserved orders ==")
    print(
        f"   oms_addon  : {confirmed / oms_time:8.1f} orders/s  "
        f"{oms_queries / max(confirmed, 1):6.1f} queries/order  ({confirmed} confirmed, "
        f"{reserved} deliveries reserved, {oms_time:.1f}s)"
    )
    print(
        f"   plain Odoo : {len(vals) / plain_time:8.1f} orders/s  "
        f"{plain_queries / len(vals):6.1f} queries/order  (create + action_confirm, "
        f"{plain_time:.1f}s)"
    )
    print(
        f"   ratio oms/plain (throughput): {(confirmed / oms_time) / (len(vals) / plain_time):.2f}"
    )


def bench_sourcing_model(registry, n_lines=10000):
    """Sourcing alone through the model: orders of 1-5 lines, 1,000 SKUs, 5
    warehouses; queries must not grow with the number of lines."""
    from odoo import SUPERUSER_ID, Command, api

    rng = random.Random(3)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        warehouses = env["stock.warehouse"].search([])
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
        for product in products:
            for warehouse in rng.sample(list(warehouses), 3):
                env["stock.quant"]._update_available_quantity(
                    product, warehouse.lot_stock_id, rng.randint(1, 20)
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
        orders = env["sale.order"].create(vals)
        cr.flush()
        for chunk in (len(orders) // 10, len(orders)):
            subset = orders[:chunk]
            n = len(subset.order_line)
            # Deciding: stock, rules and lines read, every order's decision made.
            env.invalidate_all()
            _, elapsed, queries = measure(cr, subset._oms_plan)
            print(
                f"   {n:6d} lines, decided          : {n / elapsed:8.0f} lines/s  "
                f"{queries * 1000 / n:6.1f} queries per 1,000 lines"
            )
            # The same, and written: each line its warehouse, each order its why.
            env.invalidate_all()
            _, elapsed, queries = measure(cr, subset._oms_source)
            print(
                f"   {n:6d} lines, decided and written: {n / elapsed:8.0f} lines/s  "
                f"{queries * 1000 / n:6.1f} queries per 1,000 lines"
            )
        cr.rollback()


# ----------------------------------------------------------------------
# 2. API acceptance
# ----------------------------------------------------------------------
def _hammer(url, make_request, total, clients=4):
    import requests

    latencies, statuses = [], []
    lock = threading.Lock()
    per_client = total // clients

    def client(number):
        session = requests.Session()
        for i in range(per_client):
            method, kwargs = make_request(number * per_client + i)
            started = time.perf_counter()
            response = session.request(method, url, timeout=30, **kwargs)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(response.status_code)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return len(latencies) / wall, p95, statistics.mode(statuses)


def bench_api(cluster, odoo_cmd, addons_path, env, total):
    import requests

    sys.path.insert(0, str(REPO / "oms_addon" / "lib"))
    import signature  # the plain module, as a client would implement it

    port = oms_dev.free_port()
    server = subprocess.Popen(
        cluster.odoo(
            odoo_cmd,
            addons_path,
            DB,
            "--db-filter",
            f"^{DB}$",
            "--workers",
            "2",
            "--max-cron-threads",
            "0",
            "--http-port",
            str(port),
            "--gevent-port",
            str(oms_dev.free_port()),
            "--log-level",
            "warn",
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(120):
            try:
                requests.get(f"{base}/web/login", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        key, secret = _channel_credentials(cluster)
        orders_url = f"{base}/oms/v1/channels/bench/orders"

        def post_order(number):
            body = json.dumps(
                {
                    "reference": f"API-{number:06d}",
                    "currency": "USD",
                    "customer": {"name": "API Client", "email": "api@bench.example"},
                    "shipping_address": {
                        "name": "API Client",
                        "street": "1 Main St",
                        "city": "Springfield",
                        "country_code": "US",
                    },
                    "lines": [{"sku": "BENCH-0001", "quantity": 1, "unit_price": 10}],
                }
            ).encode()
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
                "X-OMS-Signature": signature.sign(secret, body, int(time.time())),
            }
            return "POST", {"data": body, "headers": headers}

        def version_info(_number):
            return "POST", {"json": {"jsonrpc": "2.0", "method": "call", "params": {}}}

        # Warm both routes up (worker start, registry load) before measuring.
        _hammer(orders_url, lambda n: post_order(10**6 + n), 40)
        _hammer(f"{base}/web/webclient/version_info", version_info, 40)
        api_rate, api_p95, api_status = _hammer(orders_url, post_order, total)
        ref_rate, ref_p95, ref_status = _hammer(
            f"{base}/web/webclient/version_info", version_info, total
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n== API acceptance: {total} requests, 4 concurrent clients, 2 workers ==")
    print(
        f"   POST orders (202={api_status}) : {api_rate:7.1f} req/s   p95 {api_p95 * 1000:6.1f} ms"
    )
    print(
        f"   version_info ({ref_status})     : {ref_rate:7.1f} req/s   p95 {ref_p95 * 1000:6.1f} ms"
    )
    print(
        f"   ratio orders/version_info (req/s): {api_rate / ref_rate:.2f}  "
        f"(goal >= 0.5, p95 < 100 ms)"
    )


def _channel_credentials(cluster):
    out = cluster.psql(
        "SELECT api_key || ' ' || signing_secret FROM oms_channel WHERE code = 'bench'", dbname=DB
    )
    key, secret = out.split()
    return key, secret


# ----------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument(
        "--only",
        type=lambda value: value.split(","),
        help="comma-separated parts to run: processing, e2e, sourcing, api",
    )
    args = parser.parse_args()
    odoo_cmd, addons_path, env = oms_dev.find_odoo()
    with oms_dev.throwaway_cluster() as cluster:
        print("Installing oms_addon in a fresh database...", flush=True)
        subprocess.run(
            cluster.odoo(
                odoo_cmd,
                addons_path,
                DB,
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
            cluster.odoo_args() + ["--addons-path", addons_path, "-d", DB]
        )
        registry = Registry(DB)
        parts = args.only or ["processing", "e2e", "sourcing", "api"]
        if "processing" in parts:
            bench_processing(registry, args.orders)
        else:
            with registry.cursor() as cr:
                setup_data(api_env(cr))
        if "e2e" in parts:
            bench_end_to_end(registry, args.orders)
        if "sourcing" in parts:
            print("\n== Sourcing through the model: 1,000 SKUs, 5 warehouses ==")
            bench_sourcing_model(registry)
        if "api" in parts:
            bench_api(cluster, odoo_cmd, addons_path, env, args.requests)


def api_env(cr):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


if __name__ == "__main__":
    main()
