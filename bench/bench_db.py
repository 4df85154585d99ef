# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Databases of the benchmarks: one template, a fresh copy for every part and arm.

The addon is installed once into a template database (and the shop's products,
customers and stock created there); every part and every arm of a part (oms_addon,
plain Odoo) then runs on its own ``CREATE DATABASE ... TEMPLATE`` copy, so none of
them sees what another one left. Odoo runs in this process (``odoo.tools.config``
parsed by the caller), one registry per copy, dropped with its copy.
"""

import contextlib
import time

TEMPLATE = "oms_bench_template"


def api_env(cr):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


def measure(cr, func):
    """``func()``'s result, seconds and SQL queries (flushed to the database)."""
    queries = cr.sql_log_count
    started = time.perf_counter()
    result = func()
    cr.flush()
    return result, time.perf_counter() - started, cr.sql_log_count - queries


def copy_database(cluster, name, template=TEMPLATE):
    """``name``: a copy of ``template``, which nobody may be connected to."""
    from odoo.modules.registry import Registry
    from odoo.sql_db import close_db

    # This process's pooled connections to the template would make PostgreSQL
    # refuse the copy.
    Registry.delete(template)
    close_db(template)
    cluster.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER odoo')


def drop_database(cluster, name):
    from odoo.modules.registry import Registry
    from odoo.sql_db import close_db

    Registry.delete(name)
    close_db(name)
    cluster.psql(f'DROP DATABASE IF EXISTS "{name}"')


@contextlib.contextmanager
def fresh_registry(cluster, name, template=TEMPLATE):
    """The registry of a fresh copy of ``template``, dropped afterwards."""
    from odoo.modules.registry import Registry

    copy_database(cluster, name, template)
    try:
        yield Registry(name)
    finally:
        drop_database(cluster, name)
