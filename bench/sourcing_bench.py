#!/usr/bin/env python3
# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sourcing benchmark: the algorithm alone, without a database.

    python3 bench/sourcing_bench.py [--lines 10000] [--skus 1000] [--warehouses 5] [--repeat 3]

Builds orders of 1 to 5 lines (10,000 lines in all) over 1,000 SKUs, 5 warehouses
with coordinates, shipping costs and random free stock (a third of the SKUs missing
in each warehouse), and customers spread over Europe and North America. Runs
``sourcing.source()`` once per order for each strategy, splitting allowed, then for
``ship_complete`` without splitting, and prints lines/s per run and in total with
what the decisions were. Each run is repeated and its fastest time kept, as other
work on a shared machine only ever slows a run down. The goal is over 10,000 lines/s.
"""

import argparse
import importlib.util
import random
import sys
import time
from collections import Counter
from pathlib import Path

LIB_DIR = Path(__file__).resolve().parent.parent / "oms_addon" / "lib"

# Lat/lon of plausible fulfilment sites, cost base and cost per km.
SITES = [
    ("Rotterdam Hub", "RTM", 51.8870, 4.4390, 6.0, 0.004),
    ("Chicago DC", "CHI", 41.8075, -87.7370, 5.0, 0.003),
    ("San Francisco", "SFO", 37.7114, -122.3972, 5.5, 0.003),
    ("Lyon", "LYS", 45.7640, 4.8357, 6.5, 0.005),
    ("Newark", "EWR", 40.7357, -74.1724, 5.0, 0.003),
    ("Madrid", "MAD", 40.4168, -3.7038, 6.0, 0.005),
    ("Dallas", "DFW", 32.7767, -96.7970, 4.5, 0.003),
    ("Hamburg", "HAM", 53.5511, 9.9937, 6.0, 0.004),
    ("Atlanta", "ATL", 33.7490, -84.3880, 4.5, 0.003),
    ("Milan", "MXP", 45.4642, 9.1900, 6.5, 0.005),
]
# Where customers live: a box of latitudes and longitudes.
REGIONS = [((36.0, 58.0), (-9.0, 24.0)), ((30.0, 47.0), (-122.0, -71.0))]


def load_sourcing():
    """``oms_addon/lib/sourcing.py`` as ``oms_lib.sourcing``, without importing odoo."""
    spec = importlib.util.spec_from_file_location(
        "oms_lib", LIB_DIR / "__init__.py", submodule_search_locations=[str(LIB_DIR)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules["oms_lib"] = package
    spec.loader.exec_module(package)
    from oms_lib import sourcing

    return sourcing


def make_data(sourcing, n_lines, n_skus, n_warehouses, seed=7):
    """Warehouses, stock and orders ``[(lines, destination), ...]`` with n_lines lines."""
    rng = random.Random(seed)
    warehouses = [
        sourcing.Warehouse(
            index + 1,
            name,
            lat,
            lon,
            priority=index,
            cost_base=base,
            cost_per_km=per_km,
            code=code,
        )
        for index, (name, code, lat, lon, base, per_km) in enumerate(SITES[:n_warehouses])
    ]
    skus = [f"SKU-{number:05d}" for number in range(n_skus)]
    stock = {}
    for warehouse in warehouses:
        for sku in skus:
            if rng.random() < 2 / 3:
                stock[warehouse.id, sku] = rng.randint(0, 40)
    orders = []
    total = 0
    while total < n_lines:
        count = min(rng.randint(1, 5), n_lines - total)
        lines = [
            sourcing.Line(f"{len(orders)}-{position}", sku, rng.randint(1, 4), sku)
            for position, sku in enumerate(rng.sample(skus, count))
        ]
        (lat_min, lat_max), (lon_min, lon_max) = rng.choice(REGIONS)
        destination = sourcing.Destination(
            rng.uniform(lat_min, lat_max), rng.uniform(lon_min, lon_max)
        )
        orders.append((lines, destination))
        total += count
    return warehouses, stock, orders, total


def run(sourcing, warehouses, stock, orders, **options):
    """Seconds for sourcing every order once, and the count of each reason."""
    source = sourcing.source
    reasons = Counter()
    started = time.perf_counter()
    for lines, destination in orders:
        decision = source(lines, warehouses, stock, destination, **options)
        reasons[decision.reason] += 1
    return time.perf_counter() - started, reasons


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--skus", type=int, default=1_000)
    parser.add_argument("--warehouses", type=int, default=5, choices=range(1, len(SITES) + 1))
    parser.add_argument("--repeat", type=int, default=3, help="runs per strategy, fastest kept")
    args = parser.parse_args()
    sourcing = load_sourcing()
    warehouses, stock, orders, n_lines = make_data(sourcing, args.lines, args.skus, args.warehouses)
    print(
        f"== Sourcing alone: {n_lines} lines in {len(orders)} orders, {args.skus} SKUs, "
        f"{len(warehouses)} warehouses =="
    )
    runs = [(strategy, {"strategy": strategy}) for strategy in sourcing.STRATEGIES]
    runs.append(("ship_complete, no split", {"strategy": "ship_complete", "allow_split": False}))
    run(sourcing, warehouses, stock, orders[:200])  # warm up
    total_time = 0.0
    for label, options in runs:
        seconds, reasons = min(
            run(sourcing, warehouses, stock, orders, **options) for _repeat in range(args.repeat)
        )
        total_time += seconds
        outcome = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common())
        print(f"   {label:<24}: {n_lines / seconds:9,.0f} lines/s   ({outcome})")
    rate = n_lines * len(runs) / total_time
    print(f"   {'all runs':<24}: {rate:9,.0f} lines/s   (goal > 10,000 lines/s)")


if __name__ == "__main__":
    main()
