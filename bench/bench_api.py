# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""API acceptance: signed orders posted to the intake route against Odoo's cheapest
JSON route, both served by the same Odoo (2 workers) on a fresh copy of the template."""

import functools
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import oms_dev  # the test command's Odoo and cluster helpers

REPO = Path(__file__).resolve().parent.parent
print = functools.partial(print, flush=True)  # figures as they come


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


def bench_api(cluster, odoo_cmd, addons_path, env, total, dbname):
    import requests

    sys.path.insert(0, str(REPO / "oms_addon" / "lib"))
    import signature  # the plain module, as a client would implement it

    port = oms_dev.free_port()
    server = subprocess.Popen(
        cluster.odoo(
            odoo_cmd,
            addons_path,
            dbname,
            "--db-filter",
            f"^{dbname}$",
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
        key, secret = _channel_credentials(cluster, dbname)
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


def _channel_credentials(cluster, dbname):
    out = cluster.psql(
        "SELECT api_key || ' ' || signing_secret FROM oms_channel WHERE code = 'bench'",
        dbname=dbname,
    )
    key, secret = out.split()
    return key, secret
