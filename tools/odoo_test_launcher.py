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
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

_odoo_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    """Odoo's ``make_suite``, with the ``at_install`` tests moved to ``post_install``."""
    if position == "at_install":
        return OdooSuite([])
    tests, seen = [], set()
    for phase in ("at_install", position):
        for test in _odoo_make_suite(module_names, phase):
            if test.id() not in seen:
                seen.add(test.id())
                tests.append(test)
    return OdooSuite(sorted(tests, key=lambda test: test.test_sequence))


loader.make_suite = make_suite

if __name__ == "__main__":
    main()
