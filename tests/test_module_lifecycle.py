"""Install and uninstall oms_addon on a database with demo data, as an admin would."""

from odoo_env import bad_lines, odoo_shell, run_odoo

DB = "oms_lifecycle"


def test_install_and_uninstall_with_demo_data():
    code, output = run_odoo(
        DB, "-i", "oms_addon", "--stop-after-init", "--log-level", "warn", "--http-port", "0"
    )
    assert code == 0, output[-3000:]
    assert bad_lines(output) == [], "install logged warnings or errors"

    code, output = odoo_shell(
        DB,
        "m = env['ir.module.module'].search([('name', '=', 'oms_addon')])\n"
        "print('STATE-BEFORE', m.state, env['oms.channel'].search_count([]))\n"
        "m.button_immediate_uninstall()\n",
    )
    assert code == 0, output[-3000:]
    assert bad_lines(output) == [], "uninstall logged warnings or errors"
    before = next(line for line in output.splitlines() if line.startswith("STATE-BEFORE"))
    assert before.split()[1] == "installed"
    assert int(before.split()[2]) >= 3, "demo channels were loaded"

    code, output = odoo_shell(
        DB,
        "m = env['ir.module.module'].search([('name', '=', 'oms_addon')])\n"
        "print('STATE-AFTER', m.state, 'oms.channel' in env)\n",
    )
    assert "STATE-AFTER uninstalled False" in output, output[-3000:]
