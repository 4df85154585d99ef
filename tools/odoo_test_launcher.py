#!/usr/bin/env python3
# Copyright 2026 oms_addon developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Odoo's command line, with every ``at_install`` test run after the whole install.

    python3 tools/odoo_test_launcher.py <the arguments of odoo-bin>

Odoo runs a module's ``at_install`` tests right after that module is loaded during an
install (``odoo/modules/loading.py``), so the ``at_install`` tests of ``sale`` would run
before ``oms_addon`` - which the install brings in after ``sale`` - exists. To check that
oms_addon does not break its host modules, their tests must run with oms_addon loaded.

This launcher wraps ``odoo.tests.loader.make_suite``: at a module's install time the
``at_install`` suite is empty, and the ``post_install`` suite, built once the registry holds
every module, carries the ``at_install`` tests of the same modules too, sorted with the
``post_install`` ones by ``test_sequence`` (``at_install`` first where equal, as in Odoo).
``--test-tags`` still chooses which tests run. Everything else is Odoo's own ``main()``.
"""

from odoo.cli.command import main
from odoo.tools import config

_odoo_parse_config = config.parse_config
ODOO = {}  # Odoo's own make_suite, once the test framework is imported


def parse_config(*args, **kwargs):
    """Odoo's ``parse_config``, then the wrapper: the test framework is imported once
    the options say tests are on (imported before, it logs an error)."""
    result = _odoo_parse_config(*args, **kwargs)
    if not (config["test_enable"] or config["test_file"]):
        return result
    from odoo.tests import loader  # only now that the options are read

    if loader.make_suite is not make_suite:
        ODOO["make_suite"] = loader.make_suite
        loader.make_suite = make_suite
    return result


def make_suite(module_names, position="at_install"):
    """Odoo's ``make_suite``, with the ``at_install`` tests moved to ``post_install``."""
    from odoo.tests.suite import OdooSuite

    if position == "at_install":
        return OdooSuite([])
    tests, seen = [], set()
    for phase in ("at_install", position):
        for test in ODOO["make_suite"](module_names, phase):
            if test.id() not in seen:
                seen.add(test.id())
                tests.append(test)
    return OdooSuite(sorted(tests, key=lambda test: test.test_sequence))


config.parse_config = parse_config

if __name__ == "__main__":
    main()
