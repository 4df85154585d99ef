"""Run Odoo from pytest: the test command hands over its cluster and Odoo.

``tools/oms_dev.py test`` exports PGHOST, PGPORT, PGUSER (its throwaway cluster),
OMS_ODOO_CMD (how to start Odoo 18.0) and OMS_ADDONS_PATH. A test that needs
Odoo fails, it does not skip, when they are missing.
"""

import json
import os
import re
import subprocess

import pytest

BAD_LINE = re.compile(r"^\S+ \S+ \d+ (?:WARNING|ERROR|CRITICAL) .*$", re.MULTILINE)


def odoo_settings():
    missing = [
        name
        for name in ("PGHOST", "PGPORT", "PGUSER", "OMS_ODOO_CMD", "OMS_ADDONS_PATH")
        if not os.environ.get(name)
    ]
    if missing:
        pytest.fail(
            "This test needs Odoo and a database cluster: run it through "
            f"`make test` (missing {', '.join(missing)})."
        )
    return json.loads(os.environ["OMS_ODOO_CMD"]), os.environ["OMS_ADDONS_PATH"]


def db_args():
    return [
        "--db_host",
        os.environ["PGHOST"],
        "--db_port",
        os.environ["PGPORT"],
        "--db_user",
        os.environ["PGUSER"],
    ]


def run_odoo(dbname, *args, command=(), stdin=None, timeout=1200):
    """Run Odoo (or its ``command``, e.g. shell) on ``dbname`` with ``args``; return
    (exit code, output)."""
    cmd, addons_path = odoo_settings()
    proc = subprocess.run(
        [*cmd, *command, *db_args(), "--addons-path", addons_path, "-d", dbname, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def odoo_shell(dbname, code):
    """Run Python ``code`` in ``odoo shell``; return its output."""
    return run_odoo(dbname, "--no-http", "--log-level", "warn", command=["shell"], stdin=code)


def bad_lines(output):
    """Odoo log lines of level WARNING and above."""
    return BAD_LINE.findall(output)
