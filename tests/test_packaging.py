"""``pip install`` of the addon works the OCA way: a wheel of odoo/addons/oms_addon."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "oms_addon"


def test_wheel_holds_the_addon_with_its_odoo_dependencies(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ADDON),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_oms_addon-{manifest['version']}")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(
            next(n for n in names if n.endswith(".dist-info/METADATA"))
        ).decode()
    assert "odoo/addons/oms_addon/__manifest__.py" in names
    assert "odoo/addons/oms_addon/static/description/icon.png" in names
    assert "Requires-Dist: odoo==18.0.*" in metadata
    assert "Requires-Dist: odoo-addon-" not in metadata, "depends only on Odoo core addons"
