"""Load ``oms_addon/lib`` as the package ``oms_lib``, without odoo.

Importing ``oms_addon`` itself would run its ``__init__.py``, which imports odoo;
the database-free modules are loaded on their own under another name instead.
"""

import importlib.util
import sys
from pathlib import Path

LIB_DIR = Path(__file__).resolve().parent.parent / "oms_addon" / "lib"


def _load_lib():
    if "oms_lib" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "oms_lib", LIB_DIR / "__init__.py", submodule_search_locations=[str(LIB_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["oms_lib"] = module
    spec.loader.exec_module(module)


_load_lib()
